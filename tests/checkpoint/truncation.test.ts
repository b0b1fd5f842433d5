/**
 * `verify --key` catches what the hash chains cannot: a writer's newest batches removed, or
 * all of them, or its checkpoints removed or replaced. Each finding says what is missing.
 */
import assert from 'node:assert/strict';
import { cp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { openSink } from '../../src/store/sink.ts';
import { verifyStore } from '../../src/store/verify.ts';
import type { SigningKey } from '../../src/checkpoint/signing-key.ts';
import { tempDir } from '../record/store-helpers.ts';
import { batchesOf, checkpointsOf, recordBatches, remove, signingKeyIn, verifyCopy } from './support.ts';

let key: SigningKey;
let store: string;

before(async () => {
  const root = await tempDir('truncation');
  key = await signingKeyIn(join(root, 'data'));
  await Promise.all([recordBatches(root, 'gw1', key, 10, 30), recordBatches(root, 'gw2', key, 4, 30)]);
  store = join(root, 'store');
});

const joined = (problems: string[]) => problems.join('\n');

test('an intact store with checkpoints is clean with the key, and each writer is accounted for', async () => {
  const report = await verifyStore(await openSink(`file:${store}`), { key: key.publicJwk });
  assert.deepEqual(report.problems, []);
  const writers = report.checkpoints?.writers ?? [];
  assert.deepEqual(writers.map((w) => [w.instance, w.batchesCovered, w.recordsCovered, w.batchesAfter, w.newest?.final]), [
    ['gw1', 10, 10, 0, true],
    ['gw2', 4, 4, 0, true],
  ]);
  assert.ok((writers[0]?.checkpoints ?? 0) >= 3, `gw1 signed ${writers[0]?.checkpoints} checkpoints`);
});

test('without a key, verify passes as before and says truncation is not checked', async () => {
  const report = await verifyStore(await openSink(`file:${store}`));
  assert.deepEqual(report.problems, []);
  assert.match(report.notes.join('\n'), /truncation .* cannot be detected without the checkpoint key/);
  // Without a key the same truncation goes unseen: that is what the key is for.
  const [newest] = (await batchesOf(store, 'gw1')).slice(-1);
  const truncated = await verifyCopy(store, undefined, (dir) => remove(dir, [newest as string]));
  assert.deepEqual(truncated.problems, []);
});

test("a writer's newest batch removed is reported with the time after which it is missing", async () => {
  const names = await batchesOf(store, 'gw1');
  const report = await verifyCopy(store, key, (dir) => remove(dir, names.slice(-1)));
  assert.match(joined(report.problems), /writer gw1: 1 batch\(es\) after \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ are missing \(batch 9; checkpoints\/gw1\/\S+ vouches for them\)/);
  assert.equal(report.problems.length, 1, joined(report.problems));
});

test("a writer's newest three batches removed are reported as three", async () => {
  const names = await batchesOf(store, 'gw1');
  const report = await verifyCopy(store, key, (dir) => remove(dir, names.slice(-3)));
  assert.match(joined(report.problems), /writer gw1: 3 batch\(es\) after \S+ are missing \(batch 7\.\.9;/);
});

test('all batches of one writer removed are reported, with what its checkpoints vouch for', async () => {
  const names = await batchesOf(store, 'gw2');
  const report = await verifyCopy(store, key, (dir) => remove(dir, names));
  assert.match(joined(report.problems), /writer gw2: all 4 batch\(es\) are missing: its checkpoints vouch for 4 batch\(es\) and 4 record\(s\)/);
  assert.ok(!joined(report.problems).includes('gw1'), joined(report.problems));
});

test('a checkpoint removed breaks the checkpoint chain, naming the missing one', async () => {
  const checkpoints = await checkpointsOf(store, 'gw1');
  const middle = checkpoints[1] as string;
  const report = await verifyCopy(store, key, (dir) => remove(dir, [middle]));
  assert.match(joined(report.problems), new RegExp(`checkpoint chain broken: \\S+ names a predecessor ${middle.replaceAll('.', '\\.')} that is missing`));
});

test('a checkpoint replaced by one signed with another key does not verify and vouches for nothing', async () => {
  const checkpoints = await checkpointsOf(store, 'gw2');
  const other = await signingKeyIn(await tempDir('other-key'));
  const root = await tempDir('forger');
  await recordBatches(root, 'gw2', other, 1, 0);
  const [forged] = await checkpointsOf(join(root, 'store'), 'gw2');
  const target = checkpoints[checkpoints.length - 1] as string;
  const report = await verifyCopy(store, key, async (dir) => {
    await writeFile(join(dir, target), await (await openSink(`file:${join(root, 'store')}`)).read(forged as string));
  });
  assert.match(joined(report.problems), new RegExp(`checkpoint ${target.replaceAll('.', '\\.')}: signature does not verify with the given key \\(signed with key ${other.kid}, not ${key.kid}\\)`));
});

test('a store written before checkpoints existed fails with a key: its truncation cannot be ruled out', async () => {
  const root = await tempDir('before-checkpoints');
  await recordBatches(root, 'old', undefined as unknown as SigningKey, 2, 0);
  const clean = await verifyStore(await openSink(`file:${join(root, 'store')}`));
  assert.deepEqual(clean.problems, []);
  const withKey = await verifyStore(await openSink(`file:${join(root, 'store')}`), { key: key.publicJwk });
  assert.match(joined(withKey.problems), /writer old: 2 batch\(es\) and no valid checkpoint/);
});

test('the newest checkpoints removed are suspected when later batches were stored past the interval', async () => {
  const root = await tempDir('late');
  // Batch 0, then batch 1 more than two intervals later: each gets its own checkpoint at once.
  await recordBatches(root, 'gw3', key, 2, 400, 100);
  const late = join(root, 'store');
  const checkpoints = await checkpointsOf(late, 'gw3');
  const clean = await verifyStore(await openSink(`file:${late}`), { key: key.publicJwk });
  assert.deepEqual(clean.problems, []);
  const coveringBatch1 = checkpoints.filter((name) => name.endsWith('-0000000001.jws'));
  const report = await verifyCopy(late, key, (dir) => remove(dir, coveringBatch1));
  assert.match(joined(report.problems), /writer gw3: 1 batch\(es\) newer than its last checkpoint \(batch 1, .*\); checkpoints come every 0\.1 s: the newest checkpoint\(s\) may have been removed/);
});

test('a consistent truncation (newest batches and their checkpoints) passes on the store alone, and is caught against the mirror', async () => {
  const root = await tempDir('mirror');
  const mirror = `file:${join(root, 'mirror')}`;
  await recordBatches(root, 'gw4', key, 6, 40, 100, [], mirror);
  const store = join(root, 'store');
  const checkpoints = await checkpointsOf(store, 'gw4');
  const kept = checkpoints.filter((name) => Number(name.slice(-14, -4)) <= 2);
  const batches = await batchesOf(store, 'gw4');
  const truncate = (dir: string) => remove(dir, [...batches.slice(3), ...checkpoints.filter((name) => !kept.includes(name))]);
  assert.ok(kept.length > 0 && kept.length < checkpoints.length, `checkpoints: ${checkpoints.join(' ')}`);

  const alone = await verifyCopy(store, key, truncate);
  assert.deepEqual(alone.problems, [], 'the documented gap: the store alone looks like a writer that stopped');
  const dir = await tempDir('truncated');
  await cp(store, dir, { recursive: true });
  await truncate(dir);
  const against = await verifyStore(await openSink(`file:${dir}`), { key: key.publicJwk, checkpointStores: [await openSink(mirror)] });
  assert.match(joined(against.problems), /writer gw4: 3 batch\(es\) after \S+ are missing \(batch 3\.\.5;/);
});
