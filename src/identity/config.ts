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
  /**
   * Keys fetched over plain http can be swapped by anyone on the path, so http is refused
   * except on loopback. Set this only for a private network you trust (compose, a test lab).
   */
  allowInsecureHttp: z.boolean().default(false),
  /** Dotted claim paths that give the subject, email and groups. */
  claims: z
    .strictObject({
      subject: z.string().default('sub'),
      email: z.string().default('email'),
      groups: z.string().default('groups'),
    })
    .default({ subject: 'sub', email: 'email', groups: 'groups' }),
});

/** How issuers' key sets are fetched and cached. */
export const jwksSchema = z
  .strictObject({
    /** After this age keys are refreshed in the background; the old ones serve meanwhile. */
    maxAgeSeconds: z.number().int().min(1).default(600),
    /** Least time between two fetches caused by unknown key ids (so they cannot flood the issuer). */
    refetchCooldownSeconds: z.number().min(0).default(30),
    /** A fetch slower than this counts as failed; the request is not held longer. */
    timeoutMs: z.number().int().min(1).default(2000),
  })
  .default({ maxAgeSeconds: 600, refetchCooldownSeconds: 30, timeoutMs: 2000 });

export const identityConfigSchema = z
  .strictObject({
    /** Empty: the embedded development issuer runs and the gateway stays on loopback. */
    issuers: z.array(issuerSchema).default([]),
    /** Tokens larger than this are refused before any parsing. */
    maxTokenBytes: z.number().int().positive().default(16 * 1024),
    jwks: jwksSchema,
    /** Verified tokens remembered (until their exp) so each is checked cryptographically once. */
    verifiedTokenCacheSize: z.number().int().min(0).default(10_000),
  })
  .default({
    issuers: [],
    maxTokenBytes: 16 * 1024,
    jwks: { maxAgeSeconds: 600, refetchCooldownSeconds: 30, timeoutMs: 2000 },
    verifiedTokenCacheSize: 10_000,
  });

export type IssuerConfig = z.infer<typeof issuerSchema>;
export type JwksConfig = z.infer<typeof jwksSchema>;
export type IdentityConfig = z.infer<typeof identityConfigSchema>;
/** What a config file or test may write: every defaulted field optional. */
export type IdentityConfigInput = z.input<typeof identityConfigSchema>;
