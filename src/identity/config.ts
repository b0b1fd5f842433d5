import { z } from 'zod';

/** One trusted token issuer. */
export const issuerSchema = z.strictObject({
  issuer: z.string().url(),
  /** Accepted audiences; a token must name one of them. */
  audience: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
  /** JWKS location; discovered from issuer/.well-known/openid-configuration when absent. */
  jwksUri: z.string().url().optional(),
  algorithms: z.array(z.string()).default(['RS256', 'ES256', 'EdDSA']),
  /** Only for HMAC algorithms (HS256...), which are off unless a secret is configured. */
  hmacSecret: z.string().min(32).optional(),
  clockToleranceSeconds: z.number().int().min(0).max(300).default(30),
  /** Dotted claim paths that give the subject, email and groups. */
  claims: z
    .strictObject({
      subject: z.string().default('sub'),
      email: z.string().default('email'),
      groups: z.string().default('groups'),
    })
    .default({ subject: 'sub', email: 'email', groups: 'groups' }),
});

export const identityConfigSchema = z
  .strictObject({
    /** Empty: the embedded development issuer runs and the gateway stays on loopback. */
    issuers: z.array(issuerSchema).default([]),
    /** Tokens larger than this are refused before any parsing. */
    maxTokenBytes: z.number().int().positive().default(16 * 1024),
  })
  .default({ issuers: [], maxTokenBytes: 16 * 1024 });

export type IssuerConfig = z.infer<typeof issuerSchema>;
export type IdentityConfig = z.infer<typeof identityConfigSchema>;
