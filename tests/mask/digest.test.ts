import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { maskingConfigSchema } from '../../src/mask/config.ts';
import { createFindingDigester } from '../../src/mask/digest.ts';
import { openFindingDigester } from '../../src/mask/digest-key-file.ts';

const key = 'a-deployment-key-of-at-least-32-characters';

test('a finding digest is the HMAC-SHA-256 of the original under the deployment key', async () => {
  const digester = await createFindingDigester(new TextEncoder().encode(key));
  assert.equal(await digester.digest('hunter2'), createHmac('sha256', key).update('hunter2').digest('hex'));
  // Equal originals give equal digests (what an auditor can compare); a plain SHA-256 would not match.
  assert.equal(await digester.digest('hunter2'), await digester.digest('hunter2'));
  assert.notEqual(await digester.digest('hunter2'), await digester.digest('hunter3'));
});

test('the key id names the key without containing or revealing it, and differs between keys', async () => {
  const a = await createFindingDigester(new TextEncoder().encode(key));
  const b = await createFindingDigester(new TextEncoder().encode(`${key}!`));
  assert.match(a.keyId, /^[0-9a-f]{16}$/);
  assert.notEqual(a.keyId, b.keyId);
  assert.ok(!key.includes(a.keyId));
});

test('a key shorter than 32 bytes is refused', async () => {
  await assert.rejects(createFindingDigester(new TextEncoder().encode('short')), /at least 32 bytes/);
  assert.ok(!maskingConfigSchema.safeParse({ digestKey: 'short' }).success);
});

test('config gives the key, or a file, not both', () => {
  assert.ok(maskingConfigSchema.safeParse({ digestKey: key }).success);
  assert.ok(maskingConfigSchema.safeParse({ digestKeyFile: '/run/secrets/digest' }).success);
  assert.ok(!maskingConfigSchema.safeParse({ digestKey: key, digestKeyFile: '/run/secrets/digest' }).success);
});

test('with no key given, one is generated into the data dir (mode 0600) and reused on the next start', async () => {
  const dataDir = join(await mkdtemp(join(tmpdir(), 'digest-')), 'data');
  const first = await openFindingDigester({}, dataDir);
  const file = join(dataDir, 'finding-digest.key');
  if (process.platform !== 'win32') assert.equal((await stat(file)).mode & 0o777, 0o600);
  const stored = (await readFile(file, 'utf8')).trim();
  assert.ok(stored.length >= 43);
  const second = await openFindingDigester({}, dataDir);
  assert.equal(second.keyId, first.keyId);
  assert.equal(await second.digest('x'), createHmac('sha256', stored).update('x').digest('hex'));
});

test('a mounted key file is used as given; a missing one is an error that names the file, not a key', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'digest-file-'));
  const file = join(dir, 'digest.key');
  await writeFile(file, `${key}\n`);
  const digester = await openFindingDigester({ digestKeyFile: file }, join(dir, 'data'));
  assert.equal(await digester.digest('s3cr3t'), createHmac('sha256', key).update('s3cr3t').digest('hex'));
  await assert.rejects(openFindingDigester({ digestKeyFile: join(dir, 'missing') }, dir), /missing: ENOENT/);
  await writeFile(file, 'too-short\n');
  await assert.rejects(openFindingDigester({ digestKeyFile: file }, dir), (error: Error) => !error.message.includes('too-short'));
});

test('a key given in config takes precedence over generating one', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'digest-config-'));
  const digester = await openFindingDigester({ digestKey: key }, dir);
  assert.equal(await digester.digest('a'), createHmac('sha256', key).update('a').digest('hex'));
  await assert.rejects(stat(join(dir, 'finding-digest.key')), /ENOENT/);
});
