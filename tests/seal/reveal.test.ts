import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair } from 'jose';
import { runReveal } from '../../src/cli/reveal.ts';
import { createSealer } from '../../src/seal/index.ts';
import { captureStdout } from '../support/capture-stdout.ts';


async function setup() {
  const dir = await mkdtemp(join(tmpdir(), 'scribe-reveal-'));
  const { publicKey, privateKey } = await generateKeyPair('ECDH-ES+A256KW', { crv: 'P-256', extractable: true });
  const sealer = await createSealer(await exportJWK(publicKey));
  const secret = 'ghp_originalValueThatWasRedacted000000001';
  const record = {
    id: 'ex_1',
    findings: [{ rule: 'github-pat', where: 'response', block: 0, start: 4, end: 44, sha256: 'abc', sealed: await sealer.seal(secret), kid: sealer.keyId }],
  };
  await writeFile(join(dir, 'records.ndjson'), `${JSON.stringify({ id: 'ex_0', findings: [] })}\n${JSON.stringify(record)}\n`);
  await writeFile(join(dir, 'private.jwk'), JSON.stringify(await exportJWK(privateKey)));
  await writeFile(join(dir, 'public.jwk'), JSON.stringify(await exportJWK(publicKey)));
  return { dir, secret };
}

test('scribe reveal prints the originals of sealed spans from a record file', async () => {
  const { dir, secret } = await setup();
  const { code, out } = await captureStdout(() => runReveal(['--key', join(dir, 'private.jwk'), join(dir, 'records.ndjson')]));
  assert.equal(code, 0);
  assert.equal(out, `ex_1\tgithub-pat\tresponse block 0 4-44\t${secret}\n`);
});

test('scribe reveal --json prints one object per finding', async () => {
  const { dir, secret } = await setup();
  const { code, out } = await captureStdout(() => runReveal(['--json', '--key', join(dir, 'private.jwk'), join(dir, 'records.ndjson')]));
  assert.equal(code, 0);
  assert.deepEqual(JSON.parse(out), { exchange: 'ex_1', rule: 'github-pat', where: 'response', block: 0, start: 4, end: 44, original: secret });
});

test('scribe reveal refuses a public key and a missing key argument', async () => {
  const { dir } = await setup();
  const stderr = process.stderr.write.bind(process.stderr);
  process.stderr.write = (() => true) as typeof process.stderr.write;
  try {
    assert.equal(await runReveal(['--key', join(dir, 'public.jwk'), join(dir, 'records.ndjson')]), 2);
    assert.equal(await runReveal([join(dir, 'records.ndjson')]), 2);
  } finally {
    process.stderr.write = stderr;
  }
});

test('scribe reveal with the wrong private key exits non-zero and says it cannot open', async () => {
  const { dir } = await setup();
  const other = await generateKeyPair('ECDH-ES+A256KW', { crv: 'P-256', extractable: true });
  await writeFile(join(dir, 'other.jwk'), JSON.stringify(await exportJWK(other.privateKey)));
  const { code, out } = await captureStdout(() => runReveal(['--key', join(dir, 'other.jwk'), join(dir, 'records.ndjson')]));
  assert.equal(code, 1);
  assert.match(out, /cannot open/);
});
