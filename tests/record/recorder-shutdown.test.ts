/**
 * Closing never loses what was served: exchanges the builder has not reached are saved raw and
 * recorded at the next start. And a recorder that has to serve exchanges unrecorded says so.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRecorder } from '../../src/record/index.ts';
import { RecordSet } from '../../src/replay/record-set.ts';
import { agentSession, claudeCodeProfile } from './agent-session.ts';
import { playStream, startOf } from './fixtures.ts';
import { configFor, storedRecords, tempDir } from './store-helpers.ts';

test('closing with a backlog saves every ended exchange; the next start records each as it ended', async () => {
  const root = await tempDir('close-backlog');
  const config = configFor(root, { closeBuildBudgetMs: 0 });
  const first = await createRecorder(config, { log: () => {} });
  const sent = new Map<string, Uint8Array>();
  const turns = agentSession(40, 'sess-close', claudeCodeProfile);
  for (const [i, turn] of turns.entries()) {
    const start = startOf(turn.body);
    sent.set(start.id, start.request.body);
    playStream(first, start, turn.answer, {
      during: (exchange) => {
        if (i === 3) exchange.finding({ rule: 'generic-key', where: 'response', block: 0, start: 0, end: 4, original: 'sk-live-secret-original' });
      },
    });
  }
  assert.ok(first.stats().toBuild > 0, 'the builder is behind when close is called');
  await first.close();
  const mid = await storedRecords(config.store).catch(() => []);
  assert.ok(mid.length < turns.length, 'with no build budget, close left records to the next start');

  const second = await createRecorder(config, { log: () => {} });
  await second.flush();
  await second.close();
  const records = await storedRecords(config.store);
  assert.equal(records.length, turns.length);
  assert.deepEqual(new Set(records.map((r) => r.id)), new Set(sent.keys()));
  const set = new RecordSet(records);
  for (const record of records) {
    assert.equal(record.outcome.status, 'complete');
    assert.deepEqual(await set.requestBody(record.id), sent.get(record.id));
  }
  const withFinding = records.filter((r) => r.findings.length > 0);
  assert.equal(withFinding.length, 1);
  assert.equal(withFinding[0]!.findings[0]!.rule, 'generic-key');
  // No digest key in this recorder: no digest at all, and never a plain hash of the original.
  assert.equal(withFinding[0]!.findings[0]!.sha256, undefined);
});

test('exchanges served unrecorded make the recorder degraded, with the count, warned at a bounded rate', async () => {
  const root = await tempDir('degraded');
  const warnings: string[] = [];
  const recorder = await createRecorder(configFor(root, { whenFull: 'open', spoolMaxBytes: 20_000 }), { log: (m) => warnings.push(m) });
  try {
    assert.equal(recorder.health?.().state, 'ok');
    const body = { model: 'claude-sonnet-5-5', max_tokens: 8, messages: [{ role: 'user', content: 'x'.repeat(30_000) }] };
    for (let i = 0; i < 50; i++) playStream(recorder, startOf(body), [{ type: 'text', text: 'hi' }]);
    const health = recorder.health!();
    assert.equal(health.state, 'degraded');
    assert.ok(health.unrecorded >= 45, `unrecorded ${health.unrecorded}`);
    assert.equal(recorder.stats().unrecorded, health.unrecorded);
    const unrecordedLines = warnings.filter((w) => w.includes('served unrecorded'));
    assert.equal(unrecordedLines.length, 1, 'one warning for a burst, not one per exchange');
    assert.match(unrecordedLines[0]!, /served unrecorded/);
  } finally {
    await recorder.close();
  }
});
