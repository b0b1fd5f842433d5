import { z } from 'zod';

function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern, 'yd');
    return true;
  } catch {
    return false;
  }
}

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
          id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and dashes'),
          /** Printable ASCII, at most 60 characters: the keyword prefilter works on ASCII. */
          keywords: z.array(z.string().regex(/^[\x20-\x7e]{1,60}$/, 'printable ASCII, 1 to 60 characters')).min(1),
          /** A JavaScript regular expression that must match at the keyword; group 1, if any, is what is redacted. */
          pattern: z.string().min(1).refine(compiles, 'not a valid regular expression'),
          minEntropy: z.number().min(0).optional(),
        }),
      )
      .default([]),
    /** Literal values or regular expressions never treated as secrets. */
    allowlist: z.array(z.string()).default([]),
    /**
     * The key of the findings' HMAC-SHA-256 digests (32+ characters). Without it and without
     * digestKeyFile, one is generated into the data directory on first start.
     */
    digestKey: z.string().min(32, 'at least 32 characters').optional(),
    /** A file holding the digest key (e.g. a mounted secret shared by all instances). */
    digestKeyFile: z.string().min(1).optional(),
    /** What to do with secrets in the new part of a request, per connection ("*" = any). */
    prompts: z.record(z.string(), z.enum(['allow', 'mask', 'block'])).default({ '*': 'allow' }),
  })
  .refine((config) => config.digestKey === undefined || config.digestKeyFile === undefined, {
    message: 'give digestKey or digestKeyFile, not both',
    path: ['digestKeyFile'],
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
