/**
 * Records are built in a worker thread by default. What the worker holds is never the only
 * copy: a worker that dies has its exchanges rebuilt, each recorded exactly once, in order.
 * The worker and the gateway's thread store the same records.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createFindingDigester } from '../../src/mask/digest.ts';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createRecorder, type ScribeRecorder } from '../../src/record/index.ts';
import { useRecordWorkerScriptForTest } from '../../src/record/record-builders.ts';
import type { ExchangeRecord } from '../../src/record/record.ts';
import { verifyStore } from '../../src/store/verify.ts';
import { openSink } from '../../src/store/sink.ts';
import { RecordSet } from '../../src/replay/record-set.ts';
import { agentSession, claudeCodeProfile } from './agent-session.ts';
import { playStream, startOf } from './fixtures.ts';
import { configFor, storedRecords, tempDir } from './store-helpers.ts';

const crash = (recorder: ScribeRecorder, how: 'crash' | 'hang' = 'crash') => (recorder as unknown as { crashBuilderForTest(how: string): void }).crashBuilderForTest(how);

/** Plays a 30-turn agent session (one finding on turn 5) and returns what was sent, by id, in order. */
function playSession(recorder: ScribeRecorder, session: string, during?: (i: number) => void): Map<string, Uint8Array> {
  const sent = new Map<string, Uint8Array>();
  for (const [i, turn] of agentSession(30, session, claudeCodeProfile).entries()) {
    const start = startOf(turn.body);
    sent.set(start.id, start.request.body);
    playStream(recorder, start, turn.answer, {
      during: (exchange) => {
        if (i === 5) exchange.finding({ rule: 'generic-key', where: 'response', block: 0, start: 0, end: 4, original: 'sk-live-original-5' });
      },
    });
    during?.(i);
  }
  return sent;
}

async function checkStore(store: string, sent: Map<string, Uint8Array>): Promise<ExchangeRecord[]> {
  const records = await storedRecords(store);
  assert.deepEqual(records.map((r) => r.id).sort(), [...sent.keys()].sort(), 'each exchange recorded exactly once');
  const set = new RecordSet(records);
  for (const record of records) assert.deepEqual(await set.requestBody(record.id), sent.get(record.id));
  const report = await verifyStore(await openSink(store));
  assert.deepEqual(report.problems, []);
  return records.sort((a, b) => a.chain.seq - b.chain.seq);
}

test('records are built in a worker by default, and chained in the order exchanges ended', async () => {
  const root = await tempDir('worker-order');
  const config = configFor(root);
  const recorder = await createRecorder(config, { log: () => {} });
  assert.equal(recorder.stats().builtIn, 'worker');
  const sent = playSession(recorder, 'sess-order');
  await recorder.close();
  const records = await checkStore(config.store, sent);
  assert.deepEqual(records.map((r) => r.id), [...sent.keys()], 'chain order is end order');
  assert.ok(records.filter((r) => r.parent !== null).length >= 25, 'children find their parents in the worker');
});

test('a worker that dies mid-backlog: what it held is rebuilt, each exchange recorded once, chain unbroken', async () => {
  const root = await tempDir('worker-crash');
  const config = configFor(root, { batchMaxAgeMs: 20 });
  const logs: string[] = [];
  const recorder = await createRecorder(config, { log: (m) => logs.push(m) });
  const sent = playSession(recorder, 'sess-crash', (i) => {
    if (i === 12) crash(recorder);
  });
  await recorder.flush();
  // A second death, once the first backlog is spooled.
  crash(recorder);
  const more = playSession(recorder, 'sess-crash-2');
  await recorder.close();
  assert.ok(logs.some((m) => /record worker failed/.test(m)), logs.join("\n"));
  await checkStore(config.store, new Map([...sent, ...more]));
});

test('after three deaths records are built on the gateway thread, and nothing is lost', async () => {
  const root = await tempDir('worker-lives');
  const config = configFor(root);
  const logs: string[] = [];
  const recorder = await createRecorder(config, { log: (m) => logs.push(m) });
  const sent = new Map<string, Uint8Array>();
  for (let round = 0; round < 3; round++) {
    for (const [id, body] of playSession(recorder, `sess-lives-${round}`)) sent.set(id, body);
    crash(recorder);
    await recorder.flush();
  }
  assert.equal(recorder.stats().builtIn, 'thread');
  assert.ok(logs.some((m) => /on the gateway thread from now on/.test(m)), logs.join('\n'));
  for (const [id, body] of playSession(recorder, 'sess-lives-after')) sent.set(id, body);
  await recorder.close();
  await checkStore(config.store, sent);
});

test('the worker and the gateway thread store the same records; the digest key never leaves the thread', async () => {
  const digester = await createFindingDigester(new TextEncoder().encode('k'.repeat(32)));
  const stored: ExchangeRecord[][] = [];
  for (const buildIn of ['worker', 'thread'] as const) {
    const root = await tempDir(`worker-same-${buildIn}`);
    const config = configFor(root);
    const recorder = await createRecorder(config, { log: () => {}, buildIn, digester, instanceId: 'same' });
    assert.equal(recorder.stats().builtIn, buildIn);
    const sent = playSession(recorder, 'sess-same');
    await recorder.close();
    stored.push(await checkStore(config.store, sent));
  }
  // Ids, times and the chain hashes differ run to run; the shape of every record must not.
  const shape = (r: ExchangeRecord) => ({ parent: r.parent !== null, session: r.session.source, body: r.request.body, message: r.response?.message, outcome: r.outcome, findings: r.findings, defs: r.defs });
  const [worker, thread] = stored as [ExchangeRecord[], ExchangeRecord[]];
  assert.equal(worker.length, thread.length);
  const finding = worker.find((r) => r.findings.length > 0)?.findings[0];
  assert.equal(finding?.hmac, await digester.digest('sk-live-original-5'));
  assert.equal(finding?.dk, digester.keyId);
  for (let i = 0; i < worker.length; i++) {
    const w = shape(worker[i]!);
    const t = shape(thread[i]!);
    assert.deepEqual({ ...w, body: typeof w.body }, { ...t, body: typeof t.body });
  }
});

test('where no worker can start, records are built on the gateway thread, and the log says so once', async () => {
  const root = await tempDir('worker-none');
  const script = join(root, 'broken-worker.mjs');
  await writeFile(script, "throw new Error('this runtime runs no record worker');\n");
  useRecordWorkerScriptForTest(pathToFileURL(script));
  try {
    const config = configFor(root);
    const logs: string[] = [];
    const recorder = await createRecorder(config, { log: (m) => logs.push(m) });
    const sent = playSession(recorder, 'sess-none');
    await recorder.close();
    await checkStore(config.store, sent);
    assert.equal(recorder.stats().builtIn, 'thread');
    const said = logs.filter((m) => /worker/.test(m));
    assert.equal(said.length, 1, said.join('\n'));
    assert.match(said[0]!, /cannot start a record worker .*this runtime runs no record worker.*building records on the gateway thread/);
  } finally {
    useRecordWorkerScriptForTest(undefined);
  }
});

test('a worker stuck on close is abandoned after a grace period: what it held is saved raw, and recorded at the next start', { timeout: 60_000 }, async () => {
  const root = await tempDir('worker-hang');
  const config = configFor(root, { closeBuildBudgetMs: 0 });
  const logs: string[] = [];
  const first = await createRecorder(config, { log: (m) => logs.push(m) });
  await first.flush(); // the worker is up
  crash(first, 'hang');
  const sent = playSession(first, 'sess-hang');
  const started = Date.now();
  await first.close();
  assert.ok(Date.now() - started >= 4_000, 'close waited for the stuck worker before giving up on it');
  assert.ok(logs.some((m) => /did not finish in time/.test(m)), logs.join('\n'));
  assert.ok(logs.some((m) => /saving their captures to the spool/.test(m)), logs.join('\n'));
  const second = await createRecorder(config, { log: () => {} });
  await second.flush();
  await second.close();
  await checkStore(config.store, sent);
});
