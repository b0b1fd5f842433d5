/**
 * Issuer keys: discovered, cached, refreshed on rotation without a restart, kept while the
 * issuer is unreachable, and never a reason to accept a token when there are none (fail closed).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startOidcIssuer, type OidcIssuer } from '../support/oidc-issuer.ts';
import { identityConfigSchema, type IdentityConfigInput } from '../../src/identity/config.ts';
import { createAuthenticator } from '../../src/identity/index.ts';
import { bearer, rejection } from './authenticator-fixture.ts';

async function withIssuer(run: (idp: OidcIssuer) => Promise<void>): Promise<void> {
  const idp = await startOidcIssuer();
  try {
    await run(idp);
  } finally {
    await idp.close();
  }
}

async function authenticatorFor(
  idp: OidcIssuer,
  jwks: NonNullable<NonNullable<IdentityConfigInput>['jwks']>,
  extra: { jwksUri?: string; now?: () => number } = {},
) {
  const config = identityConfigSchema.parse({
    issuers: [{ issuer: idp.issuer, audience: idp.audience, ...(extra.jwksUri ? { jwksUri: extra.jwksUri } : {}) }],
    jwks: { timeoutMs: 500, ...jwks },
  });
  const options = { dataDir: '/nonexistent', ...(extra.now ? { now: extra.now } : {}) };
  return (await createAuthenticator(config, options)).authenticator;
}

describe('discovery and caching', () => {
  test('keys are discovered and fetched once at startup, not per request', async () => {
    await withIssuer(async (idp) => {
      const authenticator = await authenticatorFor(idp, { refetchCooldownSeconds: 0 });
      for (const sub of ['a', 'b', 'c']) await authenticator.authenticate(bearer(await idp.sign({ sub })));
      assert.deepEqual(idp.requests, { discovery: 1, jwks: 1 });
    });
  });

  test('an explicit jwksUri skips discovery', async () => {
    await withIssuer(async (idp) => {
      const authenticator = await authenticatorFor(idp, {}, { jwksUri: idp.jwksUri });
      await authenticator.authenticate(bearer(await idp.sign()));
      assert.deepEqual(idp.requests, { discovery: 0, jwks: 1 });
    });
  });

  test('concurrent first requests share one fetch', async () => {
    await withIssuer(async (idp) => {
      idp.setMode('down');
      const authenticator = await authenticatorFor(idp, { refetchCooldownSeconds: 0 });
      idp.setMode('ok');
      const before = idp.requests.jwks;
      const tokens = await Promise.all(Array.from({ length: 8 }, (_, i) => idp.sign({ sub: `caller-${i}` })));
      const identities = await Promise.all(tokens.map((token) => authenticator.authenticate(bearer(token))));
      assert.equal(identities.length, 8);
      assert.equal(idp.requests.jwks - before, 1);
    });
  });

  test('keys past their max age are refreshed in the background while the old ones serve', async () => {
    await withIssuer(async (idp) => {
      let clock = Date.now();
      const authenticator = await authenticatorFor(idp, { maxAgeSeconds: 60 }, { now: () => clock });
      clock += 61_000;
      const token = await idp.sign({ exp: Math.floor(clock / 1000) + 600, iat: Math.floor(clock / 1000) });
      await authenticator.authenticate(bearer(token));
      await waitFor(() => idp.requests.jwks === 2);
    });
  });
});

describe('key rotation', () => {
  test('tokens under new keys are accepted without a restart', async () => {
    await withIssuer(async (idp) => {
      const authenticator = await authenticatorFor(idp, { refetchCooldownSeconds: 0 });
      await authenticator.authenticate(bearer(await idp.sign({ sub: 'before' })));
      await idp.rotate();
      for (const alg of ['RS256', 'ES256'] as const) {
        const identity = await authenticator.authenticate(bearer(await idp.sign({ sub: `after-${alg}` }, { alg })));
        assert.equal(identity.subject, `after-${alg}`);
      }
    });
  });

  test('with both keys published during the overlap, tokens under either are accepted', async () => {
    await withIssuer(async (idp) => {
      const authenticator = await authenticatorFor(idp, { refetchCooldownSeconds: 0 });
      await idp.rotate({ keepRetired: true });
      await authenticator.authenticate(bearer(await idp.sign({ sub: 'new' })));
      assert.equal((await authenticator.authenticate(bearer(await idp.sign({ sub: 'old' }, { key: 'retired' })))).subject, 'old');
    });
  });

  test('unknown key ids cause at most one fetch per cooldown', async () => {
    await withIssuer(async (idp) => {
      let clock = Date.now();
      const authenticator = await authenticatorFor(idp, { refetchCooldownSeconds: 30 }, { now: () => clock });
      const afterStartup = idp.requests.jwks;
      for (let i = 0; i < 5; i++) {
        const forged = await idp.sign({}, { kid: `random-${i}`, key: 'stranger' });
        assert.equal((await rejection(authenticator.authenticate(bearer(forged)))).status, 401);
      }
      assert.equal(idp.requests.jwks, afterStartup);

      // Once the cooldown has passed, a rotation is picked up by the next token under a new kid.
      await idp.rotate();
      clock += 31_000;
      const fresh = await idp.sign({ iat: Math.floor(clock / 1000), exp: Math.floor(clock / 1000) + 600 });
      await authenticator.authenticate(bearer(fresh));
      assert.equal(idp.requests.jwks, afterStartup + 1);
    });
  });
});

describe('issuer unreachable', () => {
  for (const mode of ['down', 'slow', 'garbage'] as const) {
    test(`JWKS ${mode} after keys were fetched: cached keys keep working`, async () => {
      await withIssuer(async (idp) => {
        let clock = Date.now();
        const authenticator = await authenticatorFor(idp, { maxAgeSeconds: 60, refetchCooldownSeconds: 0 }, { now: () => clock });
        idp.setMode(mode);
        clock += 120_000; // keys are stale, and refreshes fail
        const token = await idp.sign({ iat: Math.floor(clock / 1000), exp: Math.floor(clock / 1000) + 600 });
        assert.equal((await authenticator.authenticate(bearer(token))).subject, 'user-1');
      });
    });

    test(`JWKS ${mode} with no keys yet: fail closed with 503 api_error`, async () => {
      await withIssuer(async (idp) => {
        idp.setMode(mode);
        const authenticator = await authenticatorFor(idp, { refetchCooldownSeconds: 0 });
        const token = await idp.sign();
        const error = await rejection(authenticator.authenticate(bearer(token)));
        assert.equal(error.status, 503);
        assert.equal(error.type, 'api_error');
        assert.match(error.message, /no signing keys/);
        assert.ok(error.headers['retry-after']);
        assert.ok(!error.message.includes(token));
      });
    });
  }

  test('once the issuer answers again, tokens are accepted', async () => {
    await withIssuer(async (idp) => {
      idp.setMode('down');
      const authenticator = await authenticatorFor(idp, { refetchCooldownSeconds: 0 });
      assert.equal((await rejection(authenticator.authenticate(bearer(await idp.sign())))).status, 503);
      idp.setMode('ok');
      assert.equal((await authenticator.authenticate(bearer(await idp.sign()))).subject, 'user-1');
    });
  });

  test('a discovery document about another issuer yields no keys', async () => {
    await withIssuer(async (idp) => {
      const impostor = async (input: RequestInfo | URL, init?: RequestInit) => {
        const response = await fetch(input, init);
        const url = String(input);
        if (!url.endsWith('/openid-configuration')) return response;
        const document = (await response.json()) as Record<string, unknown>;
        return Response.json({ ...document, issuer: 'https://someone-else.example.com' });
      };
      const config = identityConfigSchema.parse({ issuers: [{ issuer: idp.issuer, audience: idp.audience }] });
      const { authenticator } = await createAuthenticator(config, { dataDir: '/nonexistent', fetch: impostor as typeof fetch });
      const error = await rejection(authenticator.authenticate(bearer(await idp.sign())));
      assert.equal(error.status, 503);
      assert.match(error.message, /different issuer/);
    });
  });
});

describe('redirects', () => {
  test('keys reached through a redirect to plain http elsewhere are not used', async () => {
    await withIssuer(async (idp) => {
      const redirectedToHttp = (async (input: RequestInfo | URL, init?: RequestInit) => {
        const response = await fetch(input, init);
        if (!String(input).endsWith('/jwks')) return response;
        Object.defineProperty(response, 'redirected', { value: true });
        Object.defineProperty(response, 'url', { value: 'http://keys.example.net/jwks' });
        return response;
      }) as typeof fetch;
      const config = identityConfigSchema.parse({ issuers: [{ issuer: idp.issuer, audience: idp.audience }] });
      const { authenticator } = await createAuthenticator(config, { dataDir: '/nonexistent', fetch: redirectedToHttp });
      const error = await rejection(authenticator.authenticate(bearer(await idp.sign())));
      assert.equal(error.status, 503);
      assert.match(error.message, /redirected to a refused location/);
    });
  });
});

describe('configuration', () => {
  test('keys over plain http are refused unless on loopback or explicitly allowed', async () => {
    const neverCalled = (async () => {
      throw new Error('no network in this test');
    }) as unknown as typeof fetch;
    const build = (entry: Record<string, unknown>) =>
      createAuthenticator(identityConfigSchema.parse({ issuers: [{ audience: 'a', ...entry }] }), {
        dataDir: '/nonexistent',
        fetch: neverCalled,
      });
    await assert.rejects(build({ issuer: 'http://idp.example.com' }), /must use https/);
    await assert.rejects(build({ issuer: 'https://idp.example.com', jwksUri: 'http://idp.example.com/keys' }), /must use https/);
    await build({ issuer: 'http://idp.internal', allowInsecureHttp: true });
    await build({ issuer: 'https://idp.example.com' });
  });

  test('the same issuer twice is a configuration error', async () => {
    const entry = { issuer: 'https://idp.example.com', audience: 'a' };
    await assert.rejects(
      createAuthenticator(identityConfigSchema.parse({ issuers: [entry, entry] }), { dataDir: '/nonexistent' }),
      /configured twice/,
    );
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.ok(condition(), 'condition not reached');
}
