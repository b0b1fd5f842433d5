import { GatewayError } from '../http/errors.ts';
import type { PolicyRule } from './config.ts';
import { MinuteBuckets } from './minute-buckets.ts';

/** One per-minute allowance of one caller under one rule. */
export interface Allowance {
  key: string;
  perMinute: number;
}

/** What one call must pass: the caller's token debt (checked, never taken) and a request. */
export interface LimitCheck {
  tokens?: Allowance;
  requests?: Allowance;
}

/** Which allowance refused the call, and the seconds until it would not; undefined: admitted. */
export type LimitVerdict = { limit: 'tokens' | 'requests'; retryAfterSeconds: number } | undefined;

/**
 * Where rate limits are counted: in this process (MinuteBuckets), or shared by every replica
 * (Redis). A shared store answers asynchronously; the local one never makes a call wait.
 */
export interface Limits {
  admit(check: LimitCheck): LimitVerdict | Promise<LimitVerdict>;
  /** Books tokens a finished call used; off the request path, never awaited by a call. */
  spend(allowance: Allowance, amount: number): void;
  close(): Promise<void>;
}

/** Limits counted by this process alone: the default when no Redis is configured. */
export class LocalLimits implements Limits {
  readonly #buckets: MinuteBuckets;

  constructor(options: { now?: () => number } = {}) {
    this.#buckets = new MinuteBuckets(options);
  }

  admit(check: LimitCheck): LimitVerdict {
    // Token debt is checked first and takes nothing, so a refused call never costs a request.
    if (check.tokens) {
      const wait = this.#buckets.waitFor(check.tokens.key, check.tokens.perMinute);
      if (wait > 0) return { limit: 'tokens', retryAfterSeconds: wait };
    }
    if (check.requests) {
      const wait = this.#buckets.take(check.requests.key, check.requests.perMinute);
      if (wait > 0) return { limit: 'requests', retryAfterSeconds: wait };
    }
    return undefined;
  }

  spend(allowance: Allowance, amount: number): void {
    this.#buckets.spend(allowance.key, allowance.perMinute, amount);
  }

  async close(): Promise<void> {}
}

// Limits are per caller (issuer and subject together) and per rule. The caller part sits in
// braces so that both keys of one caller land in the same Redis Cluster slot.
export function allowanceKey(kind: 'tokens' | 'requests', rule: PolicyRule, identity: { issuer: string; subject: string }): string {
  return `{${rule.name}\u0000${identity.issuer}\u0000${identity.subject}}${kind}`;
}

export function limitCheckFor(rule: PolicyRule, identity: { issuer: string; subject: string }): LimitCheck {
  const check: LimitCheck = {};
  if (rule.tokensPerMinute !== undefined) check.tokens = { key: allowanceKey('tokens', rule, identity), perMinute: rule.tokensPerMinute };
  if (rule.requestsPerMinute !== undefined) check.requests = { key: allowanceKey('requests', rule, identity), perMinute: rule.requestsPerMinute };
  return check;
}

export function rateLimited(rule: PolicyRule, verdict: NonNullable<LimitVerdict>): GatewayError {
  const limit = verdict.limit === 'tokens' ? `${rule.tokensPerMinute} tokens per minute` : `${rule.requestsPerMinute} requests per minute`;
  const seconds = verdict.retryAfterSeconds;
  return new GatewayError(429, 'rate_limit_error', `Rate limit reached: rule "${rule.name}" allows this caller ${limit}; retry in ${seconds} s.`, {
    'retry-after': String(seconds),
  });
}
