/** The Cloud Storage sink through the real client: create-only writes, hash checks, ranged listings. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createRecorder } from '../../src/record/index.ts';
import { readRecords } from '../../src/store/reader.ts';
import { openSink } from '../../src/store/sink.ts';
import { playStream, startOf } from '../record/fixtures.ts';
import { configFor, tempDir } from '../record/store-helpers.ts';
import { startGcsServer, type GcsServer } from '../support/gcs-server.ts';

let server: GcsServer;
before(async () => {
  server = await startGcsServer(['audit'], { pageSize: 3 });
});
after(() => server.stop());

test('objects are created once under the prefix; a second create reports the existing one', async () => {
  const sink = await openSink('gs://audit/team-a', { gcsEndpoint: server.url });
  const bytes = new TextEncoder().encode('batch bytes');
  assert.equal(await sink.create('batches/0/x.ndjson.gz', bytes), 'created');
  assert.ok(server.objects('audit').has('team-a/batches/0/x.ndjson.gz'));
  assert.equal(await sink.create('batches/0/x.ndjson.gz', new TextEncoder().encode('other bytes')), 'exists');
  assert.equal(await sink.holds('batches/0/x.ndjson.gz', bytes), true);
  assert.equal(await sink.holds('batches/0/x.ndjson.gz', new TextEncoder().encode('other bytes')), false);
  assert.deepEqual(await sink.read('batches/0/x.ndjson.gz'), bytes);
});

test('records are found by time range across shards and pages', async () => {
  const root = await tempDir('gcs-range');
  const store = 'gs://audit/ranged';
  const recorder = await createRecorder(configFor(root, { store, gcsEndpoint: server.url }), { log: () => {} });
  const day = 24 * 3600_000;
  const base = Date.parse('2026-01-10T10:00:00Z');
  const starts = [0, 1, 2, 3, 4, 5, 6].map((d) => startOf({ model: 'm', messages: [{ role: 'user', content: `day ${d}` }] }, { startedAt: base + d * day }));
  for (const start of starts) {
    playStream(recorder, start, [{ type: 'text', text: 'ok' }]);
    await recorder.flush();
  }
  await recorder.close();
  const sink = await openSink(store, { gcsEndpoint: server.url });
  const inRange = await readRecords(sink, { since: base + 2 * day - 1000, until: base + 4 * day + 1000 });
  assert.deepEqual(inRange.map((r) => r.id), starts.slice(2, 5).map((s) => s.id));
  assert.equal((await readRecords(sink)).length, 7);
});
