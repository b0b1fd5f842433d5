import type { Identity } from '../identity/identity.ts';
import { readClaim } from '../identity/claim-path.ts';
import { compileGlobs, type Glob } from './glob.ts';

export type IdentityMatcher = (identity: Identity) => boolean;

/**
 * Compiles a rule's `match` block. Every key must hold (AND); a list of values means any of
 * them (OR); values are globs. Keys:
 * - issuer, subject, email (case-insensitive): the verified identity's fields;
 * - groups: some group of the caller matches;
 * - anything else: a dotted claim path, e.g. `repository` or `realm_access.roles`; a claim
 *   holding a list matches when one of its items does; numbers and booleans compare as text.
 */
export function compileIdentityMatcher(match: Record<string, string | string[]>): IdentityMatcher {
  const checks = Object.entries(match).map(([key, value]) => compileCheck(key, typeof value === 'string' ? [value] : value));
  return (identity) => checks.every((check) => check(identity));
}

function compileCheck(key: string, patterns: string[]): IdentityMatcher {
  switch (key) {
    case 'issuer': {
      const glob = compileGlobs(patterns);
      return (identity) => glob(identity.issuer);
    }
    case 'subject': {
      const glob = compileGlobs(patterns);
      return (identity) => glob(identity.subject);
    }
    case 'email': {
      const glob = compileGlobs(patterns, { ignoreCase: true });
      return (identity) => identity.email !== undefined && glob(identity.email);
    }
    case 'groups': {
      const glob = compileGlobs(patterns);
      return (identity) => identity.groups.some(glob);
    }
    default: {
      const glob = compileGlobs(patterns);
      return (identity) => claimMatches(readClaim(identity.claims, key), glob);
    }
  }
}

function claimMatches(value: unknown, glob: Glob): boolean {
  if (Array.isArray(value)) return value.some((item) => scalarMatches(item, glob));
  return scalarMatches(value, glob);
}

function scalarMatches(value: unknown, glob: Glob): boolean {
  if (typeof value === 'string') return glob(value);
  if (typeof value === 'number' || typeof value === 'boolean') return glob(String(value));
  return false;
}

/** What the caller holds under a match key: the value a rule with that key looked at. */
export function matchedValue(identity: Identity, key: string): unknown {
  switch (key) {
    case 'issuer':
      return identity.issuer;
    case 'subject':
      return identity.subject;
    case 'email':
      return identity.email;
    case 'groups':
      return identity.groups;
    default:
      return readClaim(identity.claims, key);
  }
}
