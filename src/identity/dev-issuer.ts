import { SignJWT, createLocalJWKSet, exportJWK, importJWK, type JWK } from 'jose';
import type { IssuerConfig } from './config.ts';
import type { KeySource } from './remote-key-set.ts';

/** The name dev tokens carry in "iss"; not a URL, because nothing is ever fetched from it. */
export const devIssuerName = 'urn:scribe:dev-issuer';
export const devAudience = 'scribe-dev';
const algorithm = 'ES256';

export interface DevTokenOptions {
  subject?: string;
  email?: string;
  groups?: string[];
  /** Lifetime in seconds; one hour when absent. */
  ttlSeconds?: number;
}

/**
 * The embedded development issuer: one ES256 key pair (persisted by dev-issuer-key-file.ts),
 * which signs tokens for `scribe dev-token` and verifies them in-process. It exists so that
 * `npm start` works with no identity provider; the gateway keeps to loopback while it runs.
 */
export class DevIssuer {
  readonly issuer = devIssuerName;
  readonly audience = devAudience;
  /** Where the private key lives, for the gateway's banner. */
  readonly keyFile: string;
  /** Verification keys, held locally: dev tokens never cause an HTTP request. */
  readonly keys: KeySource;
  readonly #privateKey: CryptoKey;
  readonly #kid: string;

  private constructor(privateKey: CryptoKey, publicJwk: JWK, keyFile: string) {
    this.#privateKey = privateKey;
    this.#kid = publicJwk.kid!;
    this.keyFile = keyFile;
    this.keys = createLocalJWKSet({ keys: [publicJwk] });
  }

  /** From the persisted private JWK (which carries its kid). */
  static async fromPrivateJwk(privateJwk: JWK, keyFile: string): Promise<DevIssuer> {
    const privateKey = (await importJWK(privateJwk, algorithm)) as CryptoKey;
    const { d: _private, ...publicJwk } = privateJwk;
    return new DevIssuer(privateKey, { ...publicJwk, alg: algorithm, use: 'sig' }, keyFile);
  }

  /** The issuer entry the verifier uses; same checks as any real issuer. */
  get issuerConfig(): IssuerConfig {
    return {
      issuer: this.issuer,
      audience: this.audience,
      algorithms: [algorithm],
      clockToleranceSeconds: 30,
      allowInsecureHttp: false,
      claims: { subject: 'sub', email: 'email', groups: 'groups' },
    };
  }

  async sign(options: DevTokenOptions = {}): Promise<string> {
    const claims: Record<string, unknown> = { groups: options.groups ?? [] };
    if (options.email !== undefined) claims.email = options.email;
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT(claims)
      .setProtectedHeader({ alg: algorithm, kid: this.#kid, typ: 'JWT' })
      .setIssuer(this.issuer)
      .setAudience(this.audience)
      .setSubject(options.subject ?? 'developer')
      .setIssuedAt(now)
      .setExpirationTime(now + (options.ttlSeconds ?? 3600))
      .sign(this.#privateKey);
  }
}

/** Makes a fresh private JWK for the dev issuer, kid included. */
export async function generateDevIssuerJwk(): Promise<JWK> {
  const { privateKey } = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
  const jwk = await exportJWK(privateKey);
  return { ...jwk, kid: `scribe-dev-${crypto.randomUUID()}` };
}
