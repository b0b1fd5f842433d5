/**
 * The signing key: generated once into the data dir (0600) or named by SCRIBE_SIGNING_KEY;
 * its public half is what `scribe checkpoint-key` prints and the gateway serves, and what
 * `scribe verify --key` checks the store with.
 */
import assert from 'node:assert/strict';
import { readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { exportJWK, generateKeyPair } from 'jose';
import { defaultSigningKeyFile, openSigningKey } from '../../src/checkpoint/signing-key.ts';
import { tempDir } from '../record/store-helpers.ts';
import { runScribe, spawnGateway } from '../support/spawn-gateway.ts';
import { batchesOf, recordBatches, remove } from './support.ts';

test('a key generated into the data dir is private to its owner and stays the same across opens', async () => {
  const dataDir = await tempDir('key');
  const first = await openSigningKey({ dataDir });
  const again = await openSigningKey({ dataDir });
  assert.equal((await stat(defaultSigningKeyFile(dataDir))).mode & 0o777, 0o600);
  assert.equal(first.kid, again.kid);
  assert.equal(first.alg, 'EdDSA');
  assert.equal(first.publicJwk.d, undefined);
});

test('SCRIBE_SIGNING_KEY may name an ES256 key; a missing file is an error, never a new key', async () => {
  const dir = await tempDir('named-key');
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const file = join(dir, 'key.json');
  await writeFile(file, JSON.stringify(await exportJWK(privateKey)), { mode: 0o600 });
  const key = await openSigningKey({ keyFile: file, dataDir: dir });
  assert.equal(key.alg, 'ES256');
  await assert.rejects(openSigningKey({ keyFile: join(dir, 'absent.json'), dataDir: dir }), /SCRIBE_SIGNING_KEY names .*absent\.json, which does not exist/);
  assert.deepEqual((await readdir(dir)).sort(), ['key.json']);
  const cli = await runScribe(['checkpoint-key'], { SCRIBE_DATA_DIR: dir, SCRIBE_SIGNING_KEY: join(dir, 'absent.json') });
  assert.equal(cli.code, 1);
  assert.match(cli.stderr, /^scribe checkpoint-key: SCRIBE_SIGNING_KEY names .*absent\.json, which does not exist\n$/);
});

test('the gateway serves the public key that scribe checkpoint-key prints for the same config', { timeout: 60_000 }, async () => {
  const gateway = await spawnGateway('node', {});
  try {
    const response = await fetch(`${gateway.url}/.well-known/scribe-checkpoint-key`);
    assert.equal(response.status, 200);
    const served = (await response.json()) as Record<string, unknown>;
    assert.equal(served.d, undefined);
    assert.equal(served.kty, 'OKP');
    const cli = await runScribe(['checkpoint-key'], { SCRIBE_DATA_DIR: gateway.dataDir });
    assert.equal(cli.code, 0, cli.stderr);
    assert.deepEqual(JSON.parse(cli.stdout), served);
  } finally {
    await gateway.stop();
  }
});

test('scribe verify --key passes an intact store, names truncation and exits 1; without a key it says what it cannot see', { timeout: 60_000 }, async () => {
  const root = await tempDir('verify-cli');
  const dataDir = join(root, 'data');
  await recordBatches(root, 'gw1', await openSigningKey({ dataDir }), 3, 20);
  const printed = await runScribe(['checkpoint-key'], { SCRIBE_DATA_DIR: dataDir });
  const keyFile = join(root, 'checkpoint-key.json');
  await writeFile(keyFile, printed.stdout);
  const store = `file:${join(root, 'store')}`;

  const intact = await runScribe(['verify', '--store', store, '--key', keyFile], {});
  assert.equal(intact.code, 0, intact.stdout + intact.stderr);
  assert.match(intact.stdout, /writer gw1: \d+ checkpoint\(s\) verified, covering 3 batch\(es\) and 3 record\(s\), newest \S+ \(final\)/);
  const keyless = await runScribe(['verify', '--store', store], {});
  assert.equal(keyless.code, 0);
  assert.match(keyless.stdout, /NOTE truncation .* cannot be detected without the checkpoint key/);

  await remove(join(root, 'store'), (await batchesOf(join(root, 'store'), 'gw1')).slice(-1));
  const truncated = await runScribe(['verify', '--store', store, '--key', keyFile], {});
  assert.equal(truncated.code, 1);
  assert.match(truncated.stdout, /FAIL writer gw1: 1 batch\(es\) after \S+ are missing/);
  const json = await runScribe(['verify', '--store', store, '--key', keyFile, '--json'], {});
  assert.match((JSON.parse(json.stdout) as { problems: string[] }).problems.join('\n'), /writer gw1: 1 batch\(es\) after/);
});
