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

export const policyConfigSchema = z
  .strictObject({
    /** Empty: any verified identity may call the default connection. */
    rules: z.array(ruleSchema).default([]),
  })
  .default({ rules: [] });

export type PolicyRule = z.infer<typeof ruleSchema>;
export type PolicyConfig = z.infer<typeof policyConfigSchema>;
