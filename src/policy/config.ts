import { z } from 'zod';

export const ruleSchema = z.strictObject({
  name: z.string().min(1),
  /** Claim matchers; all must hold. Keys are dotted claim paths or issuer/subject/email/groups. */
  match: z.record(z.string(), z.union([z.string(), z.array(z.string())])).default({}),
  connections: z.array(z.string()).default(['default']),
  /** Model globs, e.g. "claude-sonnet-*". */
  models: z.array(z.string()).default(['*']),
  maxTokens: z.number().int().positive().optional(),
  requestsPerMinute: z.number().int().positive().optional(),
  tokensPerMinute: z.number().int().positive().optional(),
  /** Grants the audit permission: matching callers may use `scribe ui` (read recordings). */
  audit: z.boolean().optional(),
});

/** Where replicas share their rate limits (SCRIBE_REDIS_URL). Absent: each process counts alone. */
export const sharedLimitsSchema = z.strictObject({
  /** redis://[user:password@]host:port[/db] or rediss:// for TLS. */
  url: z.string().regex(/^rediss?:\/\//, 'must start with redis:// or rediss://'),
  /**
   * When Redis cannot answer: "open" admits the call and counts it in this process only (each
   * replica then enforces the limit on its own), "closed" refuses it with a 503.
   */
  whenUnavailable: z.enum(['open', 'closed']).default('open'),
  /** How long a limit check may wait for Redis before the failure mode applies. */
  timeoutMs: z.number().int().positive().default(250),
  keyPrefix: z.string().default('scribe:limits:'),
});

export const policyConfigSchema = z
  .strictObject({
    /** Empty: any verified identity may call the default connection. */
    rules: z.array(ruleSchema).default([]),
    redis: sharedLimitsSchema.optional(),
  })
  .default({ rules: [] });

export type PolicyRule = z.infer<typeof ruleSchema>;
export type SharedLimitsConfig = z.infer<typeof sharedLimitsSchema>;
export type PolicyConfig = z.infer<typeof policyConfigSchema>;
