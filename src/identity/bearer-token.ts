import { GatewayError } from '../http/errors.ts';

/**
 * Finds the caller's token in a request's headers, refusing anything oversized or not shaped
 * like a compact JWS before a single byte of it is decoded.
 *
 * Claude Code's apiKeyHelper and ANTHROPIC_API_KEY send `x-api-key`; ANTHROPIC_AUTH_TOKEN and
 * most other clients send `Authorization: Bearer`. Messages name the header and the problem,
 * never any part of the token.
 */
export function extractBearerToken(headers: Headers, maxTokenBytes: number): string {
  const authorization = headers.get('authorization');
  if (authorization !== null) return fromAuthorization(authorization, maxTokenBytes);
  const apiKey = headers.get('x-api-key');
  if (apiKey !== null) return checkedToken(apiKey.trim(), 'x-api-key header', maxTokenBytes);
  throw unauthenticated(
    'No credentials: send an OIDC ID token as "Authorization: Bearer <token>" or in the x-api-key header.',
  );
}

function fromAuthorization(value: string, maxTokenBytes: number): string {
  // The scheme is checked on a short prefix so that a huge header costs nothing to refuse.
  const space = value.indexOf(' ');
  const scheme = space === -1 ? value.slice(0, 16) : value.slice(0, Math.min(space, 16));
  if (scheme.toLowerCase() !== 'bearer') {
    const shown = /^[A-Za-z-]{1,16}$/.test(scheme) ? `the ${scheme} scheme` : 'an unknown scheme';
    throw unauthenticated(
      `The Authorization header uses ${shown}; send "Authorization: Bearer <OIDC ID token>".`,
    );
  }
  return checkedToken(space === -1 ? '' : value.slice(space + 1).trim(), 'bearer token', maxTokenBytes);
}

// Three base64url segments; the signature may not be empty (that is how alg "none" looks).
const compactJws = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

function checkedToken(token: string, where: string, maxTokenBytes: number): string {
  if (token.length === 0) throw unauthenticated(`The ${where} is empty.`);
  if (token.length > maxTokenBytes) {
    throw unauthenticated(
      `The ${where} is ${token.length} bytes, over the ${maxTokenBytes}-byte limit; it was not read.`,
    );
  }
  if (token.startsWith('sk-ant-')) {
    throw unauthenticated(
      `The ${where} holds an Anthropic API key; this gateway takes an OIDC ID token instead and holds the upstream key itself.`,
    );
  }
  if (!compactJws.test(token)) {
    const segments = token.split('.').length;
    const why =
      segments === 3 && token.endsWith('.')
        ? 'it is unsigned (alg "none" is never accepted)'
        : segments === 5
        ? 'it is an encrypted token (JWE), which is not accepted'
        : segments === 3
          ? 'a segment is empty or not base64url'
          : `it has ${segments} dot-separated segment${segments === 1 ? '' : 's'} instead of 3`;
    throw unauthenticated(`The ${where} is not a well-formed JWT: ${why}.`);
  }
  return token;
}

export function unauthenticated(message: string): GatewayError {
  return new GatewayError(401, 'authentication_error', message);
}
