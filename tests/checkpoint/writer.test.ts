/** The checkpoint writer: when it signs, what it signs, where it stores it, and what survives a restart. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { openCheckpoint, importVerifyKey, type CheckpointBody } from '../../src/checkpoint/checkpoint.ts';
import { CheckpointWriter, type CoveredHead } from '../../src/checkpoint/writer.ts';
import { FileSink } from '../../src/store/file-sink.ts';
import { openSink, type Sink } from '../../src/store/sink.ts';
import { verifyStore } from '../../src/store/verify.ts';
import { tempDir } from '../record/store-helpers.ts';
import { checkpointsOf, recordBatches, signingKeyIn, sleep, until } from './support.ts';

const head = (seq: number): CoveredHead => ({ instance: 'gw1', seq, name: `batches/x/${seq}`, sha256: 'ab'.repeat(32), records: (seq + 1) * 2, lastRecordAt: new Date().toISOString() });

async function bodies(sink: Sink, instance: string, publicJwk: Parameters<typeof importVerifyKey>[0]): Promise<{ name: string; body: CheckpointBody }[]> {
  const key = await importVerifyKey(publicJwk);
  const names = await sink.list(`checkpoints/${instance}/`);
  return Promise.all(names.map(async (name) => ({ name, body: await openCheckpoint(new TextDecoder().decode(await sink.read(name)), key) })));
}

test('the first stored batch is signed at once; later ones at most once per interval, the newest head', async () => {
  const root = await tempDir('interval');
  const key = await signingKeyIn(root);
  const sink = new FileSink(`file:${join(root, 'store')}`);
  const writer = await CheckpointWriter.open({ key, sink, stateFile: join(root, 'state.json'), intervalMs: 1000, log: () => {}, publish: () => {} });
  const began = Date.now();
  writer.covered(head(0));
  await until(async () => (await sink.list('checkpoints/')).length === 1);
  for (let seq = 1; seq < 10; seq++) writer.covered(head(seq));
  await sleep(100);
  assert.deepEqual((await bodies(sink, 'gw1', key.publicJwk)).map((c) => c.body.batch.seq), [0]);
  await until(async () => (await sink.list('checkpoints/')).length === 2);
  assert.ok(Date.now() - began >= 1000, 'the second checkpoint waited for the interval');
  const signed = await bodies(sink, 'gw1', key.publicJwk);
  assert.deepEqual(signed.map((c) => c.body.batch.seq), [0, 9]);
  assert.equal(signed[1]?.body.records, 20);
  assert.equal(signed[1]?.body.prev?.name, signed[0]?.name);
  assert.equal(signed[1]?.body.intervalMs, 1000);
  // Nothing new: no checkpoint until close, which signs a final one.
  await sleep(1100);
  assert.equal((await sink.list('checkpoints/')).length, 2);
  await writer.close();
  const all = await bodies(sink, 'gw1', key.publicJwk);
  assert.deepEqual(all.map((c) => [c.body.batch.seq, c.body.final ?? false]), [[0, false], [9, false], [9, true]]);
});

test('each checkpoint also goes to the mirror store and to the log, as the same JWS', async () => {
  const root = await tempDir('mirror');
  const key = await signingKeyIn(root);
  const sink = new FileSink(`file:${join(root, 'store')}`);
  const mirror = new FileSink(`file:${join(root, 'mirror')}`);
  const logged: { name: string; jws: string }[] = [];
  const writer = await CheckpointWriter.open({ key, sink, mirror, stateFile: join(root, 'state.json'), intervalMs: 60_000, log: () => {}, publish: (c) => logged.push(c) });
  writer.covered(head(0));
  await sleep(50);
  await writer.close();
  const names = await sink.list('checkpoints/');
  assert.equal(names.length, 2);
  assert.deepEqual(await mirror.list('checkpoints/'), names);
  assert.deepEqual(logged.map((c) => c.name), names);
  for (const { name, jws } of logged) assert.equal(new TextDecoder().decode(await mirror.read(name)), jws);
});

test('a checkpoint signed but not stored before a crash is stored at the next start, and the chain goes on from it', async () => {
  const root = await tempDir('restore');
  const key = await signingKeyIn(root);
  const store = new FileSink(`file:${join(root, 'store')}`);
  const down: Sink = { ...store, url: store.url, create: async () => { throw new Error('store unreachable'); }, holds: (n, b) => store.holds(n, b), read: (n) => store.read(n), list: (p, r) => store.list(p, r), probe: () => store.probe() };
  const logs: string[] = [];
  const first = await CheckpointWriter.open({ key, sink: down, stateFile: join(root, 'state.json'), intervalMs: 60_000, log: (m) => logs.push(m), publish: () => {} });
  first.covered(head(0));
  await until(async () => logs.length > 0);
  assert.match(logs.join('\n'), /checkpoint of gw1 not stored \(will retry\): store unreachable/);
  // The process dies here. The next one stores the pending checkpoint before its own.
  const second = await CheckpointWriter.open({ key, sink: store, stateFile: join(root, 'state.json'), intervalMs: 0, log: () => {}, publish: () => {} });
  second.covered(head(1));
  await until(async () => (await store.list('checkpoints/')).length === 2);
  const signed = await bodies(store, 'gw1', key.publicJwk);
  assert.deepEqual(signed.map((c) => c.body.batch.seq), [0, 1]);
  assert.equal(signed[0]?.body.prev, null);
  assert.deepEqual(signed[1]?.body.prev?.name, signed[0]?.name);
  await second.close();
});

test("a restarted gateway continues its writer's checkpoint chain, and the store verifies clean", async () => {
  const root = await tempDir('restart');
  const key = await signingKeyIn(join(root, 'data'));
  await recordBatches(root, 'gw1', key, 2, 20);
  const firstRun = await checkpointsOf(join(root, 'store'), 'gw1');
  await recordBatches(root, 'gw1', key, 2, 20);
  const sink = await openSink(`file:${join(root, 'store')}`);
  const signed = await bodies(sink, 'gw1', key.publicJwk);
  const firstOfSecondRun = signed[firstRun.length];
  assert.equal(firstOfSecondRun?.body.prev?.name, firstRun[firstRun.length - 1]);
  assert.ok((firstOfSecondRun?.body.batch.seq ?? 0) >= 2);
  const report = await verifyStore(sink, { key: key.publicJwk });
  assert.deepEqual(report.problems, []);
  assert.equal(report.checkpoints?.writers[0]?.batchesCovered, 4);
});
