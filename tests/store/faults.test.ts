/**
 * Store faults: an outage, a lost upload response, a full spool. After recovery every
 * exchange is stored exactly once and the store verifies.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createRecorder } from '../../src/record/index.ts';
import { openSink } from '../../src/store/sink.ts';
import { verifyStore } from '../../src/store/verify.ts';
import { playStream, startOf } from '../record/fixtures.ts';
import { configFor, storedRecords, tempDir } from '../record/store-helpers.ts';
import { startGcsServer, type GcsServer } from '../support/gcs-server.ts';

let server: GcsServer;
before(async () => {
  server = await startGcsServer(['audit']);
});
after(() => server.stop());

const body = (n: number) => ({ model: 'claude-sonnet-4-5', max_tokens: 10, messages: [{ role: 'user', content: `question ${n}` }] });
const until = async (condition: () => boolean) => {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 25));
};

async function expectExactlyOnce(store: string, ids: string[]): Promise<void> {
  const records = await storedRecords(store, { gcsEndpoint: server.url });
  assert.deepEqual(records.map((r) => r.id).sort(), [...ids].sort());
  const report = await verifyStore(await openSink(store, { gcsEndpoint: server.url }));
  assert.deepEqual(report.problems, []);
}

test('the store answers 503 for a minute, then recovers: everything arrives exactly once', { timeout: 180_000 }, async () => {
  const root = await tempDir('outage');
  const store = 'gs://audit/outage';
  const config = configFor(root, { store, gcsEndpoint: server.url, uploadRetryMaxMs: 5_000, closeUploadTimeoutMs: 170_000 });
  server.failFor(60_000);
  const recorder = await createRecorder(config, { log: () => {} });
  const ids: string[] = [];
  for (let i = 0; i < 20; i++) {
    const start = startOf(body(i));
    ids.push(start.id);
    playStream(recorder, start, [{ type: 'text', text: `answer ${i}` }]);
    if (i % 5 === 4) await recorder.flush();
  }
  await recorder.flush();
  assert.equal(recorder.stats().recorded, 20);
  assert.ok(recorder.stats().pendingBytes > 0, 'batches wait in the spool during the outage');
  assert.equal([...server.objects('audit').keys()].filter((n) => n.startsWith('outage/')).length, 0);
  await recorder.close();
  assert.equal(recorder.stats().pendingBytes, 0);
  await expectExactlyOnce(store, ids);
});

test('an upload whose response was lost is retried, answered 412, and recognised by its hash', async () => {
  const root = await tempDir('lost');
  const store = 'gs://audit/lost';
  const recorder = await createRecorder(configFor(root, { store, gcsEndpoint: server.url }), { log: () => {} });
  server.loseNextWriteResponses(1);
  const start = startOf(body(1));
  playStream(recorder, start, [{ type: 'text', text: 'once' }]);
  await recorder.close();
  const names = [...server.objects('audit').keys()].filter((n) => n.startsWith('lost/batches/'));
  assert.equal(names.length, 1);
  assert.ok(!names[0]?.includes('clash'));
  await expectExactlyOnce(store, [start.id]);
});

test('a full spool fails closed: no new requests until the store catches up, nothing lost', { timeout: 60_000 }, async () => {
  const root = await tempDir('full-closed');
  const store = 'gs://audit/closed';
  const config = configFor(root, { store, gcsEndpoint: server.url, spoolMaxBytes: 3_000, whenFull: 'closed', closeUploadTimeoutMs: 30_000 });
  server.failFor(3_600_000);
  const recorder = await createRecorder(config, { log: () => {} });
  const ids: string[] = [];
  while (recorder.accepting()) {
    const start = startOf(body(ids.length));
    ids.push(start.id);
    playStream(recorder, start, [{ type: 'text', text: 'x'.repeat(500) }]);
    await recorder.flush();
  }
  assert.equal(recorder.accepting(), false);
  server.failFor(0);
  await until(() => recorder.accepting());
  await recorder.close();
  await expectExactlyOnce(store, ids);
});

test('a full spool fails open: requests are served unrecorded and counted, recorded ones all arrive', { timeout: 60_000 }, async () => {
  const root = await tempDir('full-open');
  const store = 'gs://audit/open';
  const logs: string[] = [];
  const config = configFor(root, { store, gcsEndpoint: server.url, spoolMaxBytes: 3_000, whenFull: 'open', closeUploadTimeoutMs: 30_000 });
  server.failFor(3_600_000);
  const recorder = await createRecorder(config, { log: (m) => logs.push(m) });
  const recorded: string[] = [];
  for (let i = 0; recorder.stats().unrecorded < 3; i++) {
    assert.equal(recorder.accepting(), true);
    const start = startOf(body(i));
    const before = recorder.stats().unrecorded;
    playStream(recorder, start, [{ type: 'text', text: 'y'.repeat(500) }]);
    if (recorder.stats().unrecorded === before) recorded.push(start.id);
    await recorder.flush();
  }
  assert.ok(logs.some((m) => m.includes('served unrecorded')));
  server.failFor(0);
  await recorder.close();
  await expectExactlyOnce(store, recorded);
});
