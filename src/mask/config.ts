import { z } from 'zod';

export const maskingConfigSchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    /** "{rule}" is replaced by the rule id. */
    placeholder: z.string().default('[REDACTED:{rule}]'),
    /** Most characters held back per content block while a secret may still be forming. */
    holdbackCap: z.number().int().min(64).max(1 << 20).default(4096),
    customRules: z
      .array(
        z.strictObject({
          id: z.string().min(1),
          keywords: z.array(z.string().min(1)).min(1),
          pattern: z.string().min(1),
          minEntropy: z.number().min(0).optional(),
        }),
      )
      .default([]),
    /** Literal values or regular expressions never treated as secrets. */
    allowlist: z.array(z.string()).default([]),
    /** What to do with secrets in the new part of a request, per connection ("*" = any). */
    prompts: z.record(z.string(), z.enum(['allow', 'mask', 'block'])).default({ '*': 'allow' }),
  })
  .default({
    enabled: true,
    placeholder: '[REDACTED:{rule}]',
    holdbackCap: 4096,
    customRules: [],
    allowlist: [],
    prompts: { '*': 'allow' },
  });

export type MaskingConfig = z.infer<typeof maskingConfigSchema>;
