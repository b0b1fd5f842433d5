import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { createSealer, loadSealer, openSealed } from '../../src/seal/index.ts';

async function keyPair(alg: string, options: object = {}): Promise<{ publicJwk: JWK; privateJwk: JWK }> {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true, ...options });
  return { publicJwk: await exportJWK(publicKey), privateJwk: await exportJWK(privateKey) };
}

const original = 'ghp_thisIsTheOriginalSecretValue0123456789';

for (const [alg, options] of [['ECDH-ES+A256KW', { crv: 'P-256' }], ['RSA-OAEP-256', {}], ['ECDH-ES+A256KW', { crv: 'X25519' }]] as const) {
  test(`sealed with a ${alg} ${'crv' in options ? options.crv : 'RSA'} public key, opened with the private key`, async () => {
    const { publicJwk, privateJwk } = await keyPair(alg, options);
    const sealer = await createSealer(publicJwk);
    const jwe = await sealer.seal(original);
    assert.equal(jwe.split('.').length, 5, 'compact JWE');
    assert.ok(!jwe.includes(original));
    assert.equal(await openSealed(privateJwk, jwe), original);
  });
}

test('each seal is different (fresh key and IV), and names the key id', async () => {
  const { publicJwk } = await keyPair('ECDH-ES+A256KW', { crv: 'P-256' });
  const sealer = await createSealer({ ...publicJwk, kid: 'auditor-2026' });
  const [a, b] = [await sealer.seal(original), await sealer.seal(original)];
  assert.notEqual(a, b);
  assert.equal(sealer.keyId, 'auditor-2026');
  assert.equal(JSON.parse(Buffer.from(a.split('.')[0]!, 'base64url').toString()).kid, 'auditor-2026');
});

test('without a kid, the key id is the JWK thumbprint', async () => {
  const { publicJwk } = await keyPair('ECDH-ES+A256KW', { crv: 'P-256' });
  const sealer = await createSealer(publicJwk);
  assert.match(sealer.keyId, /^[A-Za-z0-9_-]{43}$/);
});

test('another private key cannot open it', async () => {
  const sealer = await createSealer((await keyPair('ECDH-ES+A256KW', { crv: 'P-256' })).publicJwk);
  const other = await keyPair('ECDH-ES+A256KW', { crv: 'P-256' });
  await assert.rejects(openSealed(other.privateJwk, await sealer.seal(original)));
});

test('loadSealer reads a public JWK file and refuses a private key', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'scribe-seal-'));
  const { publicJwk, privateJwk } = await keyPair('ECDH-ES+A256KW', { crv: 'P-256' });
  await writeFile(join(dir, 'public.jwk'), JSON.stringify(publicJwk));
  await writeFile(join(dir, 'private.jwk'), JSON.stringify(privateJwk));
  const sealer = await loadSealer(join(dir, 'public.jwk'));
  assert.equal(await openSealed(privateJwk, await sealer.seal('x')), 'x');
  await assert.rejects(loadSealer(join(dir, 'private.jwk')), /private key/);
  await assert.rejects(loadSealer(join(dir, 'missing.jwk')), /seal key/);
});
