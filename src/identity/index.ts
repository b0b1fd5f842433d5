import type { IdentityConfig } from './config.ts';
import type { Authenticator } from './identity.ts';
import type { DevIssuer } from './dev-issuer.ts';
import { IssuerVerifier } from './issuer-verifier.ts';
import { RemoteKeySet } from './remote-key-set.ts';
import { TokenAuthenticator } from './token-authenticator.ts';

export type { Authenticator, Identity } from './identity.ts';
export type { IdentityConfig, IdentityConfigInput, IssuerConfig } from './config.ts';
export { identityConfigSchema } from './config.ts';
export { DevIssuer, devAudience, devIssuerName, type DevTokenOptions } from './dev-issuer.ts';

export interface AuthenticatorOptions {
  /** Where the development issuer keeps its key when no issuer is configured. */
  dataDir: string;
  /** For fetching discovery documents and key sets; the global fetch by default. */
  fetch?: typeof fetch;
  /** Clock for expiry and key-age decisions; tests only. */
  now?: () => number;
  /** Told after each fetch of an issuer's keys, whether it worked (for the metrics). */
  onKeyRefresh?: (issuer: string, ok: boolean) => void;
}

/**
 * Builds the request-path authenticator from the identity config.
 *
 * With issuers configured, each gets its key set fetched now (so the first caller does not
 * wait; an unreachable issuer does not stop the gateway starting, its tokens fail closed until
 * keys arrive). With none, the embedded development issuer is returned as well: the gateway
 * must then stay on loopback and say so.
 */
export async function createAuthenticator(
  config: IdentityConfig,
  options: AuthenticatorOptions,
): Promise<{ authenticator: Authenticator; devIssuer?: DevIssuer }> {
  const authenticatorOptions = {
    maxTokenBytes: config.maxTokenBytes,
    verifiedTokenCacheSize: config.verifiedTokenCacheSize,
    ...(options.now ? { now: options.now } : {}),
  };
  if (config.issuers.length === 0) {
    // Loaded only here: it is the one module that touches the file system.
    const { openDevIssuer } = await import('./dev-issuer-key-file.ts');
    const devIssuer = await openDevIssuer(options.dataDir);
    const verifier = new IssuerVerifier(devIssuer.issuerConfig, devIssuer.keys, options.now);
    return { authenticator: new TokenAuthenticator([verifier], authenticatorOptions), devIssuer };
  }
  const duplicate = config.issuers.find((issuer, index) => config.issuers.findIndex((other) => other.issuer === issuer.issuer) !== index);
  if (duplicate !== undefined) throw new Error(`Issuer ${duplicate.issuer} is configured twice; merge its audiences into one entry`);
  const keySets = config.issuers.map(
    (issuer) =>
      new RemoteKeySet({
        issuer: issuer.issuer,
        ...(issuer.jwksUri ? { jwksUri: issuer.jwksUri } : {}),
        fetch: options.fetch ?? globalThis.fetch,
        maxAgeMs: config.jwks.maxAgeSeconds * 1000,
        refetchCooldownMs: config.jwks.refetchCooldownSeconds * 1000,
        timeoutMs: config.jwks.timeoutMs,
        allowInsecureHttp: issuer.allowInsecureHttp,
        ...(options.now ? { now: options.now } : {}),
        ...(options.onKeyRefresh ? { onRefresh: (ok: boolean) => options.onKeyRefresh!(issuer.issuer, ok) } : {}),
      }),
  );
  const verifiers = config.issuers.map((issuer, index) => new IssuerVerifier(issuer, keySets[index]!.getKey, options.now));
  await Promise.all(keySets.map((keys) => keys.warm()));
  const authenticator = new TokenAuthenticator(verifiers, authenticatorOptions);
  authenticator.issuersWithoutKeys = () => {
    const missing = keySets.filter((keys) => !keys.hasKeys);
    for (const keys of missing) keys.retryIfDue();
    return missing.map((keys) => keys.issuer);
  };
  return { authenticator };
}
