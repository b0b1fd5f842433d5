/** Checkpoints in Cloud Storage: written create-only under their own prefix, read back by verify --key. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { openSigningKey } from '../../src/checkpoint/signing-key.ts';
import { createRecorder } from '../../src/record/index.ts';
import { openSink } from '../../src/store/sink.ts';
import { verifyStore } from '../../src/store/verify.ts';
import { playStream, startOf } from '../record/fixtures.ts';
import { configFor, tempDir } from '../record/store-helpers.ts';
import { startGcsServer, type GcsServer } from '../support/gcs-server.ts';

let server: GcsServer;
before(async () => {
  server = await startGcsServer(['audit']);
});
after(() => server.stop());

test('a writer recording to GCS leaves verifiable checkpoints; its newest batch deleted is found', async () => {
  const root = await tempDir('gcs-checkpoints');
  const key = await openSigningKey({ dataDir: join(root, 'data') });
  const store = 'gs://audit/prod';
  const config = configFor(root, { store, gcsEndpoint: server.url, checkpointIntervalMs: 50 });
  const recorder = await createRecorder(config, { instanceId: 'gw1', log: () => {}, signingKey: key, publishCheckpoint: () => {} });
  for (let i = 0; i < 4; i++) {
    playStream(recorder, startOf({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: `q${i}` }] }), [{ type: 'text', text: 'a' }]);
    await recorder.flush();
  }
  await recorder.close();

  const objects = server.objects('audit');
  const names = [...objects.keys()];
  assert.ok(names.some((n) => /^prod\/checkpoints\/gw1\/\d{8}T\d{9}-\d{10}\.jws$/.test(n)), names.join('\n'));
  const sink = await openSink(store, { gcsEndpoint: server.url });
  const intact = await verifyStore(sink, { key: key.publicJwk });
  assert.deepEqual(intact.problems, []);
  assert.equal(intact.checkpoints?.writers[0]?.batchesCovered, 4);

  const newest = names.filter((n) => n.includes('/batches/') && n.includes('-gw1-')).sort((a, b) => a.slice(-20).localeCompare(b.slice(-20))).at(-1) as string;
  objects.delete(newest);
  const truncated = await verifyStore(sink, { key: key.publicJwk });
  assert.match(truncated.problems.join('\n'), /writer gw1: 1 batch\(es\) after \S+ are missing \(batch 3;/);
});
