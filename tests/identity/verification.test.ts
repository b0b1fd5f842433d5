/** Genuine tokens from trusted issuers become identities, with claims mapped as configured. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT } from 'jose';
import { githubActionsClaims, startOidcIssuer, type OidcIssuer } from '../support/oidc-issuer.ts';
import { identityConfigSchema } from '../../src/identity/config.ts';
import { createAuthenticator } from '../../src/identity/index.ts';
import { authenticatorTrusting, bearer, rejection } from './authenticator-fixture.ts';

let idp: OidcIssuer;
let second: OidcIssuer;

before(async () => {
  [idp, second] = await Promise.all([startOidcIssuer(), startOidcIssuer({ audience: 'https://scribe.example.com' })]);
});
after(async () => {
  await Promise.all([idp.close(), second.close()]);
});

describe('accepted tokens', () => {
  test('RS256 and ES256 tokens from the trusted issuer are accepted', async () => {
    const authenticator = await authenticatorTrusting(idp);
    for (const alg of ['RS256', 'ES256'] as const) {
      const identity = await authenticator.authenticate(bearer(await idp.sign({ sub: `via-${alg}` }, { alg })));
      assert.equal(identity.subject, `via-${alg}`);
      assert.equal(identity.issuer, idp.issuer);
    }
  });

  test('the token may come in x-api-key (Claude Code apiKeyHelper, ANTHROPIC_API_KEY)', async () => {
    const authenticator = await authenticatorTrusting(idp);
    const identity = await authenticator.authenticate(new Headers({ 'x-api-key': await idp.sign({ sub: 'cli' }) }));
    assert.equal(identity.subject, 'cli');
  });

  test('the Bearer scheme is matched case-insensitively', async () => {
    const authenticator = await authenticatorTrusting(idp);
    const identity = await authenticator.authenticate(new Headers({ authorization: `bearer ${await idp.sign()}` }));
    assert.equal(identity.subject, 'user-1');
  });

  test('email and groups come from the default claims', async () => {
    const authenticator = await authenticatorTrusting(idp);
    const identity = await authenticator.authenticate(
      bearer(await idp.sign({ email: 'ada@example.com', email_verified: true, groups: ['eng', 'ml'] })),
    );
    assert.equal(identity.email, 'ada@example.com');
    assert.deepEqual(identity.groups, ['eng', 'ml']);
    assert.equal(identity.claims.email_verified, true);
  });

  test('an email the issuer marks unverified is not taken as the caller email', async () => {
    const authenticator = await authenticatorTrusting(idp);
    const identity = await authenticator.authenticate(bearer(await idp.sign({ email: 'ceo@example.com', email_verified: false })));
    assert.equal(identity.email, undefined);
  });

  test('subject, email and groups follow configured dotted claim paths (Keycloak realm roles)', async () => {
    const authenticator = await authenticatorTrusting(idp, {
      issuer: { claims: { subject: 'preferred_username', email: 'contact.mail', groups: 'realm_access.roles' } },
    });
    const identity = await authenticator.authenticate(
      bearer(await idp.sign({ preferred_username: 'ada', contact: { mail: 'ada@example.com' }, realm_access: { roles: ['admin'] } })),
    );
    assert.equal(identity.subject, 'ada');
    assert.equal(identity.email, 'ada@example.com');
    assert.deepEqual(identity.groups, ['admin']);
  });

  test('a GitHub-Actions-shaped token passes and keeps repository, ref and workflow', async () => {
    const authenticator = await authenticatorTrusting(idp);
    const identity = await authenticator.authenticate(bearer(await idp.sign(githubActionsClaims({ repository: 'acme/web' }))));
    assert.equal(identity.subject, 'repo:acme/web:ref:refs/heads/main');
    assert.equal(identity.claims.repository, 'acme/web');
    assert.equal(identity.claims.ref, 'refs/heads/main');
    assert.equal(identity.claims.workflow, 'CI');
    assert.deepEqual(identity.groups, []);
  });

  test('any of several configured audiences is accepted', async () => {
    const authenticator = await authenticatorTrusting(idp, { issuer: { audience: ['scribe-test', 'https://gw.example.com'] } });
    const identity = await authenticator.authenticate(bearer(await idp.sign({ aud: 'https://gw.example.com' })));
    assert.equal(identity.subject, 'user-1');
  });

  test('several issuers are trusted at once, each with its own audience', async () => {
    const config = identityConfigSchema.parse({
      issuers: [
        { issuer: idp.issuer, audience: idp.audience },
        { issuer: second.issuer, audience: second.audience, jwksUri: second.jwksUri },
      ],
    });
    const { authenticator, devIssuer } = await createAuthenticator(config, { dataDir: '/nonexistent' });
    assert.equal(devIssuer, undefined);
    assert.equal((await authenticator.authenticate(bearer(await idp.sign()))).issuer, idp.issuer);
    assert.equal((await authenticator.authenticate(bearer(await second.sign()))).issuer, second.issuer);
    // An audience is only good for its own issuer.
    const crossed = await rejection(authenticator.authenticate(bearer(await second.sign({ aud: idp.audience }))));
    assert.match(crossed.message, /audience/);
  });

  test('the identity cannot be altered by whoever receives it', async () => {
    const authenticator = await authenticatorTrusting(idp);
    const identity = await authenticator.authenticate(bearer(await idp.sign({ groups: ['eng'] })));
    assert.throws(() => {
      identity.groups.push('admin');
    });
  });
});

describe('HMAC tokens', () => {
  const secret = 'a-shared-secret-of-at-least-32-bytes!!';
  const hs256 = (claims: Record<string, unknown>, key: string) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(key));

  test('are accepted when the issuer is configured with HS256 and its secret', async () => {
    const authenticator = await authenticatorTrusting(idp, { issuer: { algorithms: ['HS256'], hmacSecret: secret } });
    const identity = await authenticator.authenticate(bearer(await hs256(idp.claims({ sub: 'hmac-caller' }), secret)));
    assert.equal(identity.subject, 'hmac-caller');
  });

  test('signed with another secret are refused', async () => {
    const authenticator = await authenticatorTrusting(idp, { issuer: { algorithms: ['HS256'], hmacSecret: secret } });
    const error = await rejection(authenticator.authenticate(bearer(await hs256(idp.claims(), `${secret}-other`))));
    assert.equal(error.status, 401);
  });

  test('are refused when HS256 is listed but no secret is configured', async () => {
    const authenticator = await authenticatorTrusting(idp, { issuer: { algorithms: ['RS256', 'HS256'] } });
    const error = await rejection(authenticator.authenticate(bearer(await hs256(idp.claims(), secret))));
    assert.match(error.message, /algorithm/);
  });
});

describe('verified-token cache', () => {
  test('a token verified once stays accepted while its key is withdrawn, until it expires', async () => {
    const rotating = await startOidcIssuer();
    try {
      let clock = Date.now();
      const config = identityConfigSchema.parse({
        issuers: [{ issuer: rotating.issuer, audience: rotating.audience, clockToleranceSeconds: 0 }],
        jwks: { refetchCooldownSeconds: 0 },
      });
      const { authenticator } = await createAuthenticator(config, { dataDir: '/nonexistent', now: () => clock });
      const seen = await rotating.sign({ sub: 'seen', exp: Math.floor(clock / 1000) + 120 });
      await authenticator.authenticate(bearer(seen));

      // The issuer withdraws the key, and the gateway learns of it through a token under the new kid.
      await rotating.rotate();
      await authenticator.authenticate(bearer(await rotating.sign({ sub: 'new-key' })));
      const unseen = await rotating.sign({ sub: 'unseen' }, { key: 'retired' });
      assert.equal((await rejection(authenticator.authenticate(bearer(unseen)))).status, 401);
      assert.equal((await authenticator.authenticate(bearer(seen))).subject, 'seen');

      // Past its exp the cache no longer answers, so the token is judged afresh and refused.
      clock += 121_000;
      assert.equal((await rejection(authenticator.authenticate(bearer(seen)))).status, 401);
    } finally {
      await rotating.close();
    }
  });
});

describe('expiry against the gateway clock', () => {
  test('a cached token is refused as expired once the clock passes its exp', async () => {
    let clock = Date.now();
    const config = identityConfigSchema.parse({
      issuers: [{ issuer: idp.issuer, audience: idp.audience, clockToleranceSeconds: 0 }],
    });
    const { authenticator } = await createAuthenticator(config, { dataDir: '/nonexistent', now: () => clock });
    const token = await idp.sign({ exp: Math.floor(clock / 1000) + 60 });
    await authenticator.authenticate(bearer(token));
    await authenticator.authenticate(bearer(token));
    clock += 61_000;
    assert.match((await rejection(authenticator.authenticate(bearer(token)))).message, /expired/);
  });
});
