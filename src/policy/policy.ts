import type { Identity } from '../identity/identity.ts';

/** What policy needs to know of one call. */
export interface CallFacts {
  connection: string;
  /** Absent when the body is not JSON or has no model: the upstream judges such a body. */
  model?: string;
  maxTokens?: number;
  path: string;
}

export interface Grant {
  /** The name of the rule that allowed the call, for the record. */
  rule: string;
  /** A max_tokens cap the caller's request must not exceed (the gateway rejects above it). */
  maxTokensCap?: number;
  /**
   * The caller's values of what the rule matched on (its `match` keys), for the exchange
   * record's "claims policy used". Absent when the rule matches every caller.
   */
  claimsUsed?: Record<string, unknown>;
}

/**
 * Decides whether an identity may make a call. authorize throws a GatewayError (403
 * permission_error, 429 rate_limit_error with retry-after, 503 when shared limits are
 * configured closed and cannot be checked) when it may not. It answers synchronously unless
 * the limits are shared between replicas.
 */
export interface Policy {
  authorize(identity: Identity, call: CallFacts): Grant | Promise<Grant>;
  /** Counts tokens the upstream reported, for per-identity token rate limits. */
  recordUsage(identity: Identity, grant: Grant, tokens: number): void;
}
