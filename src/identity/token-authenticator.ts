import { decodeJwt, decodeProtectedHeader } from 'jose';
import type { Authenticator, Identity } from './identity.ts';
import type { IssuerVerifier } from './issuer-verifier.ts';
import { extractBearerToken, unauthenticated } from './bearer-token.ts';
import { VerifiedTokenCache } from './verified-token-cache.ts';

export interface TokenAuthenticatorOptions {
  maxTokenBytes: number;
  verifiedTokenCacheSize: number;
  now?: () => number;
}

/**
 * The request-path authenticator: finds the token, answers from the verified-token cache when
 * it can, and otherwise routes the token to its issuer's verifier by its (not yet trusted)
 * "iss" claim. The unverified claims only choose which keys to check against; nothing is
 * believed before the signature verifies.
 */
export class TokenAuthenticator implements Authenticator {
  readonly #verifiers: Map<string, IssuerVerifier>;
  readonly #maxTokenBytes: number;
  readonly #cache: VerifiedTokenCache;
  /** Set by createAuthenticator when keys are fetched from issuers; embedded keys are always there. */
  issuersWithoutKeys: () => string[] = () => [];

  constructor(verifiers: readonly IssuerVerifier[], options: TokenAuthenticatorOptions) {
    this.#verifiers = new Map(verifiers.map((verifier) => [verifier.issuer, verifier]));
    this.#maxTokenBytes = options.maxTokenBytes;
    this.#cache = new VerifiedTokenCache(options.verifiedTokenCacheSize, options.now ? { now: options.now } : {});
  }

  async authenticate(headers: Headers): Promise<Identity> {
    const token = extractBearerToken(headers, this.#maxTokenBytes);
    const cached = this.#cache.get(token);
    if (cached !== undefined) return cached.identity;
    const verified = await this.#verifierFor(token).verify(token);
    this.#cache.set(token, verified);
    return verified.identity;
  }

  #verifierFor(token: string): IssuerVerifier {
    let alg: unknown;
    let iss: unknown;
    try {
      alg = decodeProtectedHeader(token).alg;
      iss = decodeJwt(token).iss;
    } catch {
      throw unauthenticated('The token is malformed: its header or claims are not base64url-encoded JSON.');
    }
    if (typeof alg !== 'string' || alg.toLowerCase() === 'none') {
      throw unauthenticated('The token is unsigned (alg "none"); only signed tokens are accepted.');
    }
    if (typeof iss !== 'string' || iss.length === 0) {
      throw unauthenticated('The token has no "iss" claim naming its issuer.');
    }
    const verifier = this.#verifiers.get(iss);
    if (verifier === undefined) {
      throw unauthenticated(`Tokens from issuer ${printable(iss)} are not trusted by this gateway.`);
    }
    return verifier;
  }
}

// The issuer is the caller's own input: show it only when short and plain.
function printable(value: string): string {
  return value.length <= 200 && /^[\x21-\x7e]+$/.test(value) ? `"${value}"` : '(unprintable)';
}
