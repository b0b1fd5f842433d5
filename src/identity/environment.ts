import { issuerSchema, type IdentityConfig } from './config.ts';

/**
 * The common single-issuer case from the environment: SCRIBE_OIDC_ISSUER, SCRIBE_OIDC_AUDIENCE
 * (comma-separated for several) and optionally SCRIBE_OIDC_JWKS_URI. The environment wins
 * where it and the config file both speak: an issuer of the same URL in the file gets the
 * environment's audience and JWKS location; otherwise the issuer is added to the file's.
 */
export function applyIdentityEnvironment(
  config: IdentityConfig,
  env: Record<string, string | undefined>,
): IdentityConfig {
  const issuer = env.SCRIBE_OIDC_ISSUER?.trim();
  if (!issuer) {
    if (env.SCRIBE_OIDC_AUDIENCE || env.SCRIBE_OIDC_JWKS_URI) {
      throw new Error('SCRIBE_OIDC_AUDIENCE and SCRIBE_OIDC_JWKS_URI need SCRIBE_OIDC_ISSUER as well');
    }
    return config;
  }
  const audiences = (env.SCRIBE_OIDC_AUDIENCE ?? '').split(',').map((a) => a.trim()).filter(Boolean);
  if (audiences.length === 0) {
    throw new Error('SCRIBE_OIDC_AUDIENCE must name the audience tokens for this gateway carry (for Google: the gateway URL)');
  }
  const base = config.issuers.find((entry) => entry.issuer === issuer);
  const entry = issuerSchema.parse({
    ...(base ?? { issuer }),
    audience: audiences.length === 1 ? audiences[0] : audiences,
    ...(env.SCRIBE_OIDC_JWKS_URI ? { jwksUri: env.SCRIBE_OIDC_JWKS_URI } : {}),
  });
  const others = config.issuers.filter((existing) => existing.issuer !== issuer);
  return { ...config, issuers: [...others, entry] };
}
