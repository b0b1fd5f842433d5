/**
 * A real OpenID Connect issuer for tests: discovery and JWKS served over HTTP on 127.0.0.1,
 * RS256 and ES256 signing keys, key rotation, helpers that sign good and deliberately bad
 * tokens, and fault modes for the key endpoints.
 *
 *   const idp = await startOidcIssuer();
 *   const token = await idp.sign({ sub: 'alice', email: 'alice@example.com' });
 *   idp.setMode('down');            // 'ok' | 'down' | 'slow' | 'garbage'
 *   await idp.rotate();             // new keys; the old ones are no longer published
 *   await idp.close();
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, exportSPKI, generateKeyPair, type JWK } from 'jose';

export type SigningAlg = 'RS256' | 'ES256';

/**
 * How the discovery and JWKS endpoints behave:
 * ok: normally; down: the connection is dropped without an answer; slow: the answer comes
 * after slowMs; garbage: 200 with a body that is not JSON.
 */
export type IssuerMode = 'ok' | 'down' | 'slow' | 'garbage';

export interface SignOptions {
  /** RS256 unless told. */
  alg?: SigningAlg;
  /** Overrides the "kid" header, e.g. to name a key the issuer never had. */
  kid?: string;
  /**
   * Which private key signs: the published one (default), the one retired by the last
   * rotate(), or a stranger's key the issuer never published (its header still carries the
   * current kid unless `kid` says otherwise: "valid kid, wrong key").
   */
  key?: 'current' | 'retired' | 'stranger';
  /** Extra protected-header parameters. */
  header?: Record<string, unknown>;
}

export interface StartOidcIssuerOptions {
  /** The audience default claims carry; "scribe-test" unless told. */
  audience?: string;
  /** How long 'slow' mode holds each answer; 10 s unless told. */
  slowMs?: number;
}

export interface OidcIssuer {
  /** The issuer URL, e.g. http://127.0.0.1:41234 (what "iss" holds). */
  readonly issuer: string;
  readonly jwksUri: string;
  readonly discoveryUrl: string;
  readonly audience: string;
  /** How many times each endpoint was asked, including failed answers. */
  readonly requests: { discovery: number; jwks: number };
  /** The kid of the published key for an algorithm. */
  kid(alg?: SigningAlg): string;
  /** Valid claims (iss, aud, sub, iat, exp in 10 minutes) with overrides; an undefined value removes a claim. */
  claims(overrides?: Record<string, unknown>): Record<string, unknown>;
  /** Signs claims(overrides) as a compact JWS. */
  sign(overrides?: Record<string, unknown>, options?: SignOptions): Promise<string>;
  /** An unsigned token: header alg "none", empty signature. */
  unsigned(overrides?: Record<string, unknown>): string;
  /** The key-confusion attack: HS256 with the issuer's RSA public key (PEM) as the secret. */
  hmacWithPublicKey(overrides?: Record<string, unknown>): Promise<string>;
  /** New RS256 and ES256 keys; the current ones become retired and, unless kept, unpublished. */
  rotate(options?: { keepRetired?: boolean }): Promise<void>;
  setMode(mode: IssuerMode): void;
  close(): Promise<void>;
}

interface KeyPair {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
  publicPem: string;
}

type KeyRing = Record<SigningAlg, KeyPair>;

let kidCounter = 0;

async function makeKeyPair(alg: SigningAlg): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const kid = `${alg.toLowerCase()}-${++kidCounter}-${crypto.randomUUID().slice(0, 8)}`;
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { kid, privateKey, publicJwk, publicPem: await exportSPKI(publicKey) };
}

async function makeKeyRing(): Promise<KeyRing> {
  const [rs, es] = await Promise.all([makeKeyPair('RS256'), makeKeyPair('ES256')]);
  return { RS256: rs, ES256: es };
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export async function startOidcIssuer(options: StartOidcIssuerOptions = {}): Promise<OidcIssuer> {
  const audience = options.audience ?? 'scribe-test';
  const slowMs = options.slowMs ?? 10_000;
  let current = await makeKeyRing();
  let retired: KeyRing | undefined;
  let publishRetired = false;
  const stranger = await makeKeyRing();
  let mode: IssuerMode = 'ok';
  const requests = { discovery: 0, jwks: 0 };
  const timers = new Set<NodeJS.Timeout>();

  const published = (): JWK[] => [
    current.RS256.publicJwk,
    current.ES256.publicJwk,
    ...(publishRetired && retired ? [retired.RS256.publicJwk, retired.ES256.publicJwk] : []),
  ];

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    let body: unknown;
    if (path === '/.well-known/openid-configuration') {
      requests.discovery++;
      body = {
        issuer,
        jwks_uri: `${issuer}/jwks`,
        id_token_signing_alg_values_supported: ['RS256', 'ES256'],
        subject_types_supported: ['public'],
        response_types_supported: ['id_token'],
      };
    } else if (path === '/jwks') {
      requests.jwks++;
      body = { keys: published() };
    } else {
      response.writeHead(404).end();
      return;
    }
    const answer = (): void => {
      if (mode === 'garbage') {
        response.writeHead(200, { 'content-type': 'application/json' }).end('<html>{"keys": [ oops');
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (mode === 'down') {
      request.socket.destroy();
    } else if (mode === 'slow') {
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!response.destroyed) answer();
      }, slowMs);
      timers.add(timer);
    } else {
      answer();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const claims = (overrides: Record<string, unknown> = {}): Record<string, unknown> => {
    const now = Math.floor(Date.now() / 1000);
    const merged: Record<string, unknown> = { iss: issuer, aud: audience, sub: 'user-1', iat: now, exp: now + 600, ...overrides };
    for (const [key, value] of Object.entries(merged)) if (value === undefined) delete merged[key];
    return merged;
  };

  return {
    issuer,
    jwksUri: `${issuer}/jwks`,
    discoveryUrl: `${issuer}/.well-known/openid-configuration`,
    audience,
    requests,
    kid: (alg = 'RS256') => current[alg].kid,
    claims,
    async sign(overrides = {}, signOptions = {}) {
      const alg = signOptions.alg ?? 'RS256';
      const which = signOptions.key ?? 'current';
      const ring = which === 'stranger' ? stranger : which === 'retired' ? retired : current;
      if (ring === undefined) throw new Error('no retired key: call rotate() first');
      const kid = signOptions.kid ?? (which === 'stranger' ? current[alg].kid : ring[alg].kid);
      return new SignJWT(claims(overrides))
        .setProtectedHeader({ typ: 'JWT', ...signOptions.header, alg, kid })
        .sign(ring[alg].privateKey);
    },
    unsigned(overrides = {}) {
      return `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims(overrides))}.`;
    },
    async hmacWithPublicKey(overrides = {}) {
      return new SignJWT(claims(overrides))
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: current.RS256.kid })
        .sign(new TextEncoder().encode(current.RS256.publicPem));
    },
    async rotate(rotateOptions = {}) {
      retired = current;
      current = await makeKeyRing();
      publishRetired = rotateOptions.keepRetired ?? false;
    },
    setMode(next) {
      mode = next;
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

/**
 * Claims shaped like a GitHub Actions OIDC token (token.actions.githubusercontent.com), minus
 * iss/aud/exp which the issuer fills in. Override any of them, e.g. { repository: 'acme/web' }.
 */
export function githubActionsClaims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const repository = (overrides.repository as string | undefined) ?? 'acme/widgets';
  const ref = (overrides.ref as string | undefined) ?? 'refs/heads/main';
  const owner = repository.split('/')[0];
  return {
    sub: `repo:${repository}:ref:${ref}`,
    repository,
    repository_owner: owner,
    repository_id: '123456789',
    repository_owner_id: '987654',
    repository_visibility: 'private',
    ref,
    ref_type: 'branch',
    sha: 'a3c5b1e0f2d4c6b8a0e2f4d6c8b0a2e4f6d8c0b2',
    workflow: 'CI',
    workflow_ref: `${repository}/.github/workflows/ci.yml@${ref}`,
    job_workflow_ref: `${repository}/.github/workflows/ci.yml@${ref}`,
    event_name: 'push',
    actor: 'octocat',
    actor_id: '583231',
    run_id: '6000000001',
    run_number: '42',
    run_attempt: '1',
    runner_environment: 'github-hosted',
    ...overrides,
  };
}
