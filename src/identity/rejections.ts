import { errors } from 'jose';
import { GatewayError } from '../http/errors.ts';
import { unauthenticated } from './bearer-token.ts';

/**
 * Turns a jose verification failure into a 401 a person can act on. Messages are built here,
 * from the failure's kind and the claims' values, never from the token text.
 */
export function explainRejection(error: unknown, issuer: string, audiences: readonly string[]): GatewayError {
  if (error instanceof GatewayError) return error;
  if (error instanceof errors.JWTExpired) {
    const exp = numericClaim(error.payload.exp);
    const when = exp === undefined ? '' : ` at ${new Date(exp * 1000).toISOString()}`;
    return unauthenticated(`The token from ${issuer} expired${when}; get a fresh one.`);
  }
  if (error instanceof errors.JWTClaimValidationFailed) return explainClaim(error, issuer, audiences);
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return unauthenticated(`The token's signing algorithm is not one this gateway accepts from ${issuer}.`);
  }
  if (error instanceof errors.JWKSNoMatchingKey) {
    return unauthenticated(
      `No signing key of ${issuer} matches the token's key id ("kid"); the token was not signed by this issuer's current keys.`,
    );
  }
  if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JWKSMultipleMatchingKeys) {
    return unauthenticated(`The token's signature does not verify against the keys of ${issuer}.`);
  }
  if (error instanceof errors.JOSENotSupported) {
    return unauthenticated(`The token uses an algorithm or key type this gateway does not support for ${issuer}.`);
  }
  return unauthenticated('The token is malformed: it is not a valid signed JWT.');
}

function explainClaim(
  error: InstanceType<typeof errors.JWTClaimValidationFailed>,
  issuer: string,
  audiences: readonly string[],
): GatewayError {
  if (error.reason === 'missing') {
    return unauthenticated(`The token from ${issuer} has no "${error.claim}" claim, which this gateway requires.`);
  }
  switch (error.claim) {
    case 'aud':
      return unauthenticated(
        `The token's audience is not this gateway's: request a token for audience ${audiences.map((a) => `"${a}"`).join(' or ')} from ${issuer}.`,
      );
    case 'nbf':
      return unauthenticated(
        `The token from ${issuer} is not valid yet (its "nbf" is in the future); check the clocks of the caller and the issuer.`,
      );
    case 'iat':
      return unauthenticated(`The token from ${issuer} claims to be issued in the future; check the clocks.`);
    case 'iss':
      return unauthenticated('The token names a different issuer than the one that signed it.');
    default:
      return unauthenticated(`The token from ${issuer} has an invalid "${error.claim}" claim.`);
  }
}

function numericClaim(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
