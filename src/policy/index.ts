import type { PolicyConfig, PolicyRule } from './config.ts';
import type { Policy } from './policy.ts';
import { RulePolicy } from './rule-policy.ts';

export type { CallFacts, Grant, Policy } from './policy.ts';
export type { PolicyConfig, PolicyRule } from './config.ts';
export { policyConfigSchema } from './config.ts';
export { auditGrant } from './audit-grant.ts';

/** With no rules configured, any verified caller may use the default connection, any model. */
export const defaultRule: PolicyRule = {
  name: 'any-verified-caller',
  match: {},
  connections: ['default'],
  models: ['*'],
};

export function createPolicy(config: PolicyConfig, options: { now?: () => number } = {}): Policy {
  const rules = config.rules.length === 0 ? [defaultRule] : config.rules;
  const seen = new Set<string>();
  for (const rule of rules) {
    // Usage is booked against the rule by name, so two rules of one name would share limits.
    if (seen.has(rule.name)) throw new Error(`Policy rule "${rule.name}" is defined twice; rule names must be unique`);
    seen.add(rule.name);
  }
  return new RulePolicy(rules, options);
}
