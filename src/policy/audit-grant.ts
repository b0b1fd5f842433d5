import type { Identity } from '../identity/identity.ts';
import type { PolicyRule } from './config.ts';
import { compileIdentityMatcher } from './identity-matcher.ts';

/**
 * The audit permission: the name of the first rule with `audit: true` whose `match` the
 * identity meets, or undefined. Only rules that say so grant it; the default rule does not.
 */
export function auditGrant(rules: readonly PolicyRule[]): (identity: Identity) => string | undefined {
  const granting = rules.filter((rule) => rule.audit === true).map((rule) => ({ name: rule.name, matches: compileIdentityMatcher(rule.match) }));
  return (identity) => granting.find((rule) => rule.matches(identity))?.name;
}
