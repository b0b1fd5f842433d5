import type { JWTPayload } from 'jose';
import type { IssuerConfig } from './config.ts';
import type { Identity } from './identity.ts';
import { readClaim } from './claim-path.ts';
import { unauthenticated } from './bearer-token.ts';

type ClaimPaths = IssuerConfig['claims'];

// Values in an ID token that prove possession or bind to a login flow; they say nothing about
// who the caller is and have no business in records.
const notIdentity = new Set(['at_hash', 'c_hash', 'nonce']);

/** Turns a verified claims set into the caller's identity, using the issuer's claim paths. */
export function identityFromClaims(issuer: string, payload: JWTPayload, paths: ClaimPaths): Identity {
  const subject = readClaim(payload, paths.subject);
  if (typeof subject !== 'string' || subject.length === 0) {
    throw unauthenticated(
      `The token from ${issuer} has no "${paths.subject}" claim to identify the caller by.`,
    );
  }
  const claims: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(payload)) {
    if (!notIdentity.has(key)) claims[key] = value;
  }
  const identity: Identity = { issuer, subject, groups: groupsOf(readClaim(payload, paths.groups)), claims };
  const email = readClaim(payload, paths.email);
  // Some providers let users type any address; one the issuer says it has not verified
  // must not be mistaken for the caller's (policy may grant by email domain).
  if (typeof email === 'string' && email.length > 0 && payload.email_verified !== false) {
    identity.email = email;
  }
  return deepFreeze(identity);
}

function groupsOf(value: unknown): string[] {
  if (typeof value === 'string') return value.length > 0 ? [value] : [];
  if (Array.isArray(value)) return value.filter((group): group is string => typeof group === 'string');
  return [];
}

// Identities are shared between requests through the verified-token cache; freezing them
// keeps one request from changing what the next one is allowed to do.
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
