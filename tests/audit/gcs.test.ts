/** The audit layer over Cloud Storage (the test JSON API server and the real client). */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { openAudit } from '../../src/audit/index.ts';
import { startGcsServer, type GcsServer } from '../support/gcs-server.ts';
import { tempDir } from '../record/store-helpers.ts';
import { writeAuditStore, type AuditFixture } from './store-fixture.ts';

let server: GcsServer;
let fixture: AuditFixture;

before(async () => {
  server = await startGcsServer(['audit'], { pageSize: 5 });
  fixture = await writeAuditStore({ store: 'gs://audit/org', gcsEndpoint: server.url });
});
after(() => server.stop());

const downloads = (from: number, tree: string) =>
  server.requests.slice(from).filter((r) => r.startsWith('GET') && r.includes(encodeURIComponent(`org/${tree}/`))).length;

test('a cold listing reads index segments, not per-batch indexes or batches; a warm one downloads nothing', async () => {
  const cache = join(await tempDir('audit-gcs-cache'), 'cache.sqlite');
  const mark = server.requests.length;
  const audit = await openAudit(fixture.store, { cache, gcsEndpoint: server.url });
  const sessions = (await audit.sessions({})).items.map((s) => s.session);
  assert.deepEqual(sessions, ['sess-alice-new', 'sess-bob', 'sess-alice-old']);
  assert.ok(downloads(mark, 'segments') >= 2, 'segments were read');
  assert.equal(downloads(mark, 'index'), 0);
  assert.equal(downloads(mark, 'batches'), 0);
  const warm = server.requests.length;
  assert.deepEqual((await audit.sessions({ subject: 'bob' })).items.map((s) => s.session), ['sess-bob']);
  assert.equal(downloads(warm, 'segments') + downloads(warm, 'index') + downloads(warm, 'batches'), 0);
  await audit.close();
});

test('showing a session downloads only the batches that hold it', async () => {
  const audit = await openAudit(fixture.store, { cache: ':memory:', gcsEndpoint: server.url });
  await audit.sessions({});
  const mark = server.requests.length;
  const view = await audit.session('sess-bob');
  assert.equal(view?.exchanges.length, 3);
  assert.equal(downloads(mark, 'batches'), 3);
  for (const exchange of view?.exchanges ?? []) assert.deepEqual(await exchange.requestBody(), fixture.bodies.get(exchange.record.id));
  await audit.close();
});

test('passing store failures are retried; a denied read and a missing bucket are said in one line', async () => {
  server.failNext(3, 503);
  const audit = await openAudit(fixture.store, { cache: ':memory:', gcsEndpoint: server.url });
  assert.equal((await audit.sessions({})).items.length, 3);
  await audit.close();

  server.failNext(1, 403);
  await assert.rejects(openAudit(fixture.store, { cache: ':memory:', gcsEndpoint: server.url }), /permission denied reading gs:\/\/audit\/org/);
  await assert.rejects(openAudit('gs://no-such-bucket/org', { cache: ':memory:', gcsEndpoint: server.url }), /no such bucket: gs:\/\/no-such-bucket\/org/);
});

test('questions asked at once on a cold cache (as the viewer asks them) all get their answers', async () => {
  const audit = await openAudit(fixture.store, { cache: join(await tempDir('audit-gcs-concurrent'), 'cache.sqlite'), gcsEndpoint: server.url });
  const answers = await Promise.all([audit.sessions({}), audit.sessions({ subject: 'bob' }), audit.exchanges({}), audit.sessions({ since: fixture.now - 3_600_000 })]);
  assert.deepEqual(answers[0].items.map((s) => s.session), ['sess-alice-new', 'sess-bob', 'sess-alice-old']);
  assert.deepEqual(answers[1].items.map((s) => s.session), ['sess-bob']);
  assert.equal(answers[2].items.length, 12);
  assert.deepEqual(answers[3].items.map((s) => s.session), ['sess-alice-new']);
  await audit.close();
});
