import type { PolicyConfig, PolicyRule } from './config.ts';
import type { CallFacts, Grant, Policy } from './policy.ts';
import type { Identity } from '../identity/identity.ts';
import { LocalLimits, type Limits } from './limits.ts';
import { RulePolicy } from './rule-policy.ts';

export type { CallFacts, Grant, Policy } from './policy.ts';
export type { PolicyConfig, PolicyRule, SharedLimitsConfig } from './config.ts';
export type { Limits } from './limits.ts';
export { LocalLimits } from './limits.ts';
export { policyConfigSchema } from './config.ts';
export { auditGrant } from './audit-grant.ts';

/** With no rules configured, any verified caller may use the default connection, any model. */
export const defaultRule: PolicyRule = {
  name: 'any-verified-caller',
  match: {},
  connections: ['default'],
  models: ['*'],
};

/** A policy whose limits are counted in this process: it always decides synchronously. */
export interface LocalPolicy extends Policy {
  authorize(identity: Identity, call: CallFacts): Grant;
}

export function createPolicy(config: PolicyConfig, options?: { now?: () => number }): LocalPolicy;
export function createPolicy(config: PolicyConfig, options: { limits: Limits }): Policy;
export function createPolicy(config: PolicyConfig, options: { now?: () => number; limits?: Limits } = {}): Policy {
  const rules = config.rules.length === 0 ? [defaultRule] : config.rules;
  const seen = new Set<string>();
  for (const rule of rules) {
    // Usage is booked against the rule by name, so two rules of one name would share limits.
    if (seen.has(rule.name)) throw new Error(`Policy rule "${rule.name}" is defined twice; rule names must be unique`);
    seen.add(rule.name);
  }
  return new RulePolicy(rules, options.limits ?? new LocalLimits(options.now ? { now: options.now } : {}));
}

/**
 * The limits a config asks for: shared through Redis when policy.redis is set (its module and
 * ioredis load only then), otherwise counted in this process.
 */
export async function openLimits(config: PolicyConfig, events: SharedLimitsEvents): Promise<Limits> {
  if (!config.redis) return new LocalLimits();
  const { RedisLimits } = await import('./redis-limits.ts');
  return RedisLimits.connect(config.redis, events);
}

export interface SharedLimitsEvents {
  warn(message: string): void;
  /** Each check or booking Redis could not answer (for the metrics). */
  unavailable?(): void;
}
