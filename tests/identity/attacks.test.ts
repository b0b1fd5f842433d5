/**
 * Every token an attacker (or a broken client) might send is refused with 401
 * authentication_error, with a message that names the problem and never echoes the token.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startOidcIssuer, type OidcIssuer } from '../support/oidc-issuer.ts';
import type { Authenticator } from '../../src/identity/identity.ts';
import { assertNoTokenIn, authenticatorTrusting, bearer, rejection } from './authenticator-fixture.ts';

let idp: OidcIssuer;
let otherIdp: OidcIssuer;
let authenticator: Authenticator;

before(async () => {
  [idp, otherIdp] = await Promise.all([startOidcIssuer(), startOidcIssuer()]);
  authenticator = await authenticatorTrusting(idp);
});
after(async () => {
  await Promise.all([idp.close(), otherIdp.close()]);
});

const now = () => Math.floor(Date.now() / 1000);

async function assertRefused(token: string, messagePattern: RegExp, headers = bearer(token)): Promise<void> {
  const error = await rejection(authenticator.authenticate(headers));
  assert.equal(error.status, 401);
  assert.equal(error.type, 'authentication_error');
  assert.match(error.message, messagePattern);
  if (token.length > 0) assertNoTokenIn(error.message, token);
}

describe('attack tokens are refused with 401', () => {
  test('a valid token is accepted (the baseline the attacks deviate from)', async () => {
    const identity = await authenticator.authenticate(bearer(await idp.sign()));
    assert.equal(identity.subject, 'user-1');
  });

  test('alg "none" (unsigned)', async () => {
    await assertRefused(idp.unsigned(), /unsigned/i);
  });

  test('alg "none" with a fake signature segment', async () => {
    const [header, payload] = idp.unsigned().split('.');
    await assertRefused(`${header}.${payload}.c2lnbmF0dXJl`, /unsigned/i);
  });

  test('HS256 signed with the issuer RSA public key (key confusion)', async () => {
    await assertRefused(await idp.hmacWithPublicKey(), /algorithm/i);
  });

  test('expired', async () => {
    await assertRefused(await idp.sign({ iat: now() - 7200, exp: now() - 3600 }), /expired/i);
  });

  test('not before a time in the future', async () => {
    await assertRefused(await idp.sign({ nbf: now() + 3600 }), /not valid yet/i);
  });

  test('wrong issuer claim, signed by the trusted issuer key', async () => {
    await assertRefused(await idp.sign({ iss: 'https://evil.example.com' }), /not trusted/i);
  });

  test('wrong audience', async () => {
    const error = await rejection(authenticator.authenticate(bearer(await idp.sign({ aud: 'someone-else' }))));
    assert.equal(error.status, 401);
    assert.match(error.message, /audience "scribe-test"/);
  });

  test('no expiry', async () => {
    await assertRefused(await idp.sign({ exp: undefined }), /"exp"/);
  });

  test('unknown kid', async () => {
    await assertRefused(await idp.sign({}, { kid: 'never-published', key: 'stranger' }), /key id/i);
  });

  test('a published kid, signed by another key', async () => {
    await assertRefused(await idp.sign({}, { key: 'stranger' }), /signature does not verify/i);
    await assertRefused(await idp.sign({}, { key: 'stranger', alg: 'ES256' }), /signature does not verify/i);
  });

  test('signature of one token spliced onto the claims of another', async () => {
    const [header, , signature] = (await idp.sign({ sub: 'alice' })).split('.');
    const [, payload] = (await idp.sign({ sub: 'admin' })).split('.');
    await assertRefused(`${header}.${payload}.${signature}`, /signature does not verify/i);
  });

  test('truncated', async () => {
    const token = await idp.sign();
    await assertRefused(token.slice(0, token.lastIndexOf('.') + 10), /signature does not verify|malformed/i);
    await assertRefused(token.slice(0, token.lastIndexOf('.')), /not a well-formed JWT/i);
  });

  test('garbage base64', async () => {
    await assertRefused('eyJ!!!.@@@.###', /not a well-formed JWT/i);
    await assertRefused('bm90IGpzb24.bm90IGpzb24.c2ln', /malformed/i);
  });

  test('a 20 KB token is refused unread', async () => {
    const token = await idp.sign({ padding: 'x'.repeat(20 * 1024) });
    await assertRefused(token, /over the 16384-byte limit/);
  });

  test('an oversized header is refused the same way through x-api-key', async () => {
    const token = 'a'.repeat(20 * 1024);
    await assertRefused(token, /over the 16384-byte limit/, new Headers({ 'x-api-key': token }));
  });

  test('empty bearer', async () => {
    await assertRefused('', /empty/i, new Headers({ authorization: 'Bearer ' }));
    await assertRefused('', /empty/i, new Headers({ authorization: 'Bearer' }));
  });

  test('wrong scheme', async () => {
    const token = await idp.sign();
    await assertRefused(token, /Basic scheme/, new Headers({ authorization: `Basic ${token}` }));
  });

  test('no credentials at all', async () => {
    await assertRefused('', /No credentials/, new Headers());
  });

  test('a token from an untrusted issuer', async () => {
    await assertRefused(await otherIdp.sign({ aud: idp.audience }), /not trusted/i);
  });

  test('an untrusted issuer naming the trusted one in "iss"', async () => {
    await assertRefused(await otherIdp.sign({ iss: idp.issuer, aud: idp.audience }), /key id|signature/i);
  });

  test('an Anthropic API key instead of a token', async () => {
    await assertRefused('sk-ant-api03-abcdefghijklmnop', /Anthropic API key/, new Headers({ 'x-api-key': 'sk-ant-api03-abcdefghijklmnop' }));
  });

  test('an encrypted token (JWE)', async () => {
    await assertRefused('eyJhbGciOiJSU0EtT0FFUCJ9.a.b.c.d', /encrypted/);
  });
});

describe('attack tokens are refused while the issuer key endpoint misbehaves', () => {
  for (const mode of ['down', 'slow', 'garbage'] as const) {
    test(`JWKS ${mode}: a token under an unknown kid is refused with 401; a genuine one still passes`, async () => {
      const misbehaving = await startOidcIssuer();
      try {
        const trusting = await authenticatorTrusting(misbehaving);
        misbehaving.setMode(mode);
        const forged = await misbehaving.sign({}, { kid: 'attacker-key', key: 'stranger' });
        const error = await rejection(trusting.authenticate(bearer(forged)));
        assert.equal(error.status, 401);
        const genuine = await trusting.authenticate(bearer(await misbehaving.sign({ sub: 'still-works' })));
        assert.equal(genuine.subject, 'still-works');
      } finally {
        await misbehaving.close();
      }
    });
  }
});
