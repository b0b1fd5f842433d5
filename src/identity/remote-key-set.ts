import { createLocalJWKSet, errors, type FlattenedJWSInput, type JSONWebKeySet, type JWSHeaderParameters } from 'jose';
import { GatewayError } from '../http/errors.ts';
import { fetchJson } from './fetch-json.ts';

/** Where a verifier gets the public key for one token; jose calls it during verification. */
export type KeySource = (header: JWSHeaderParameters, token: FlattenedJWSInput) => Promise<CryptoKey | Uint8Array>;

export interface RemoteKeySetOptions {
  issuer: string;
  /** Explicit JWKS location; otherwise discovered from the issuer's openid-configuration. */
  jwksUri?: string;
  fetch: typeof fetch;
  maxAgeMs: number;
  refetchCooldownMs: number;
  timeoutMs: number;
  allowInsecureHttp?: boolean;
  now?: () => number;
  /** Told after each fetch of the keys, whether it worked (for the metrics). */
  onRefresh?: (ok: boolean) => void;
}

/**
 * An issuer's signing keys, fetched over HTTP and kept in memory.
 *
 * jose's createRemoteJWKSet drops to an error when a refresh fails; a gateway must instead
 * keep serving with the keys it has while the issuer is unreachable, so the caching lives
 * here and jose's createLocalJWKSet does the key selection and import:
 * - keys older than maxAge are refreshed in the background while the old ones keep working;
 * - a token naming an unknown key id causes at most one fetch per cooldown (key rotation
 *   works without a restart, but random key ids cannot make the gateway flood the issuer);
 * - concurrent callers share one fetch;
 * - with no keys at all, tokens are refused with a 503: the gateway fails closed.
 */
export class RemoteKeySet {
  readonly issuer: string;
  readonly #options: RemoteKeySetOptions;
  readonly #now: () => number;
  readonly #fetchOptions: Parameters<typeof fetchJson>[1];
  #keys: ReturnType<typeof createLocalJWKSet> | undefined;
  #jwksUri: string | undefined;
  #fetchedAt = Number.NEGATIVE_INFINITY;
  #lastAttemptAt = Number.NEGATIVE_INFINITY;
  #lastFailure = 'not fetched yet';
  #refreshing: Promise<void> | undefined;

  constructor(options: RemoteKeySetOptions) {
    this.#options = options;
    this.issuer = options.issuer;
    this.#now = options.now ?? Date.now;
    this.#fetchOptions = { ...options, checkUrl: (url: string) => void this.#checkedUrl(url, 'key location') };
    if (options.jwksUri !== undefined) this.#jwksUri = this.#checkedUrl(options.jwksUri, 'jwksUri');
    else this.#checkedUrl(options.issuer, 'issuer');
  }

  readonly getKey: KeySource = async (header, token) => {
    if (this.#keys === undefined) await this.#loadFirstKeys();
    else if (this.#now() - this.#fetchedAt >= this.#options.maxAgeMs) this.#refreshInBackground();
    try {
      return await this.#keys!(header, token);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey) || !this.#mayFetch()) throw error;
      // Perhaps the issuer rotated its keys. If it cannot be reached, the cached keys stand
      // and the token is judged against them.
      await this.#refresh().catch(() => {});
      return await this.#keys!(header, token);
    }
  };

  /** Fetches the keys ahead of the first request. Never throws: failures show on use. */
  async warm(): Promise<void> {
    await this.#refresh().catch(() => {});
  }

  get hasKeys(): boolean {
    return this.#keys !== undefined;
  }

  /**
   * Starts a fetch in the background when none is running and the cooldown allows: a replica
   * that is not ready gets no tokens, so readiness probes are what retry an issuer at start-up.
   */
  retryIfDue(): void {
    this.#refreshInBackground();
  }

  async #loadFirstKeys(): Promise<void> {
    if (this.#refreshing !== undefined || this.#mayFetch()) await this.#refresh().catch(() => {});
    if (this.#keys === undefined) {
      throw new GatewayError(
        503,
        'api_error',
        `The gateway has no signing keys for issuer ${this.issuer} (${this.#lastFailure}), so it cannot verify tokens from it; try again shortly.`,
        { 'retry-after': String(Math.max(1, Math.ceil(this.#options.refetchCooldownMs / 1000))) },
      );
    }
  }

  #mayFetch(): boolean {
    return this.#now() - this.#lastAttemptAt >= this.#options.refetchCooldownMs;
  }

  #refreshInBackground(): void {
    if (this.#refreshing === undefined && this.#mayFetch()) this.#refresh().catch(() => {});
  }

  #refresh(): Promise<void> {
    this.#refreshing ??= this.#load().finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  async #load(): Promise<void> {
    this.#lastAttemptAt = this.#now();
    const explicit = this.#options.jwksUri !== undefined;
    try {
      this.#jwksUri ??= await this.#discoverJwksUri();
      const jwks = await fetchJson(this.#jwksUri, this.#fetchOptions).catch((error: Error) => {
        throw new Error(`key set ${error.message}`);
      });
      this.#keys = createLocalJWKSetOrExplain(jwks);
      this.#fetchedAt = this.#now();
      this.#options.onRefresh?.(true);
    } catch (error) {
      this.#options.onRefresh?.(false);
      // A failing discovered location is looked up afresh next time: the issuer may have moved it.
      if (!explicit) this.#jwksUri = undefined;
      this.#lastFailure = error instanceof Error ? error.message : String(error);
      throw error;
    }
  }

  async #discoverJwksUri(): Promise<string> {
    const url = `${this.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
    const document = await fetchJson(url, this.#fetchOptions).catch((error: Error) => {
      throw new Error(`discovery document ${error.message}`);
    });
    if (document === null || typeof document !== 'object') throw new Error('discovery document is not an object');
    const { issuer, jwks_uri: jwksUri } = document as { issuer?: unknown; jwks_uri?: unknown };
    // OpenID Connect Discovery 1.0 §4.3: the document must be about the issuer we asked.
    if (issuer !== this.issuer) throw new Error('discovery document names a different issuer');
    if (typeof jwksUri !== 'string') throw new Error('discovery document has no jwks_uri');
    return this.#checkedUrl(jwksUri, 'jwks_uri');
  }

  #checkedUrl(value: string, what: string): string {
    const url = new URL(value);
    const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname) || url.hostname.startsWith('127.');
    if (url.protocol === 'https:' || (url.protocol === 'http:' && (loopback || this.#options.allowInsecureHttp))) {
      return value;
    }
    throw new Error(
      `The ${what} of issuer ${this.issuer} must use https (http only on loopback or with allowInsecureHttp), got ${url.protocol}//${url.host}`,
    );
  }
}

function createLocalJWKSetOrExplain(jwks: unknown): ReturnType<typeof createLocalJWKSet> {
  try {
    return createLocalJWKSet(jwks as JSONWebKeySet);
  } catch {
    throw new Error('key set is not a valid JWKS');
  }
}
