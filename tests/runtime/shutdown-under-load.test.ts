/**
 * SIGTERM right after a burst of Claude Code-sized exchanges (requests of 60-200+ KB that
 * resend the history): every exchange the gateway served reaches the spool before the process
 * exits, however far behind the record builder is, and the next start records each of them.
 * Loopback only; bounded (a few hundred exchanges, 16 at a time).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { spawnGateway, runScribe } from '../support/spawn-gateway.ts';
import { startUpstream, type TestUpstream } from '../support/upstream.ts';
import { agentSession, claudeCodeProfile } from '../record/agent-session.ts';
import { storedRecords } from '../record/store-helpers.ts';

/** Starts the gateway again on the same directories, waits for the store to hold `expected` records, stops it cleanly. */
async function recordedByNextStart(upstream: TestUpstream, dirs: Record<string, string>, expected: number, patienceMs: number) {
  const store = dirs.SCRIBE_STORE!;
  const next = await spawnGateway('node', { SCRIBE_UPSTREAM_URL: upstream.url, ANTHROPIC_API_KEY: upstream.apiKey, ...dirs });
  let records = await storedRecords(store).catch(() => []);
  for (let waited = 0; records.length < expected && waited < patienceMs; waited += 500) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    records = await storedRecords(store).catch(() => records);
  }
  next.child.kill('SIGTERM');
  assert.equal(await next.exited, 0, next.stderr());
  return storedRecords(store);
}

const SESSIONS = 8;
const TURNS = 30;
const CONCURRENCY = 16;

test('SIGTERM after a burst: every served exchange is recorded, at the latest by the next start', { timeout: 240_000 }, async () => {
  const upstream = await startUpstream();
  const first = await spawnGateway('node', { SCRIBE_UPSTREAM_URL: upstream.url, ANTHROPIC_API_KEY: upstream.apiKey });
  const dirs = { SCRIBE_DATA_DIR: first.dataDir, SCRIBE_STORE: `file:${join(first.dataDir, 'sessions')}`, SCRIBE_SPOOL_DIR: join(first.dataDir, 'spool') };
  try {
    const minted = await runScribe(['dev-token', '--email', 'load@example.com'], { SCRIBE_DATA_DIR: first.dataDir });
    assert.equal(minted.code, 0, minted.stderr);
    const token = minted.stdout.trim();
    // Sessions advance turn by turn, several at once, as parallel agents do.
    const bodies: string[] = [];
    const sessions = Array.from({ length: SESSIONS }, (_, i) => agentSession(TURNS, `load-${i}`, claudeCodeProfile, `Task ${i}: make the build green.`));
    for (let turn = 0; turn < TURNS; turn++) for (const session of sessions) bodies.push(JSON.stringify(session[turn]!.body));
    assert.ok(bodies.some((b) => b.length > 200_000) && bodies.every((b) => b.length > 60_000), 'Claude Code-sized requests');

    const served: string[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < bodies.length) {
        const body = bodies[next++]!;
        const response = await fetch(`${first.url}/v1/messages`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body });
        const answer = await response.text();
        assert.equal(response.status, 200, answer);
        served.push(response.headers.get('x-scribe-exchange-id')!);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    assert.equal(served.length, bodies.length);

    first.child.kill('SIGTERM');
    assert.equal(await first.exited, 0, first.stderr());

    const records = await recordedByNextStart(upstream, dirs, served.length, 120_000);
    const ids = new Set(records.map((r) => r.id));
    const missing = served.filter((id) => !ids.has(id));
    assert.deepEqual(missing, [], `${missing.length} of ${served.length} served exchanges were not recorded`);
    assert.equal(records.length, served.length, 'each exchange recorded once');
    for (const record of records) assert.equal(record.outcome.status, 'complete');
    const verified = await runScribe(['verify', '--store', dirs.SCRIBE_STORE], {});
    assert.equal(verified.code, 0, verified.stdout + verified.stderr);
  } finally {
    await first.stop('SIGKILL');
    await upstream.close();
  }
});

test('with no time to build at all, the served exchanges are saved raw and recorded at the next start', { timeout: 120_000 }, async () => {
  const upstream = await startUpstream();
  const first = await spawnGateway('node', { SCRIBE_UPSTREAM_URL: upstream.url, ANTHROPIC_API_KEY: upstream.apiKey });
  const config = join(first.dataDir, 'no-build-budget.yaml');
  await writeFile(config, 'recording:\n  closeBuildBudgetMs: 0\n');
  await first.stop('SIGKILL');
  const dirs = { SCRIBE_DATA_DIR: first.dataDir, SCRIBE_STORE: `file:${join(first.dataDir, 'sessions')}`, SCRIBE_SPOOL_DIR: join(first.dataDir, 'spool') };
  // Records built on the gateway's thread: the record worker keeps up with 40 exchanges, and this
  // test needs a backlog at SIGTERM (tests/record/recorder-shutdown.test.ts covers the worker's).
  const hurried = await spawnGateway('node', { SCRIBE_UPSTREAM_URL: upstream.url, ANTHROPIC_API_KEY: upstream.apiKey, SCRIBE_CONFIG: config, SCRIBE_RECORD_WORKER: '0', ...dirs });
  try {
    const token = (await runScribe(['dev-token'], { SCRIBE_DATA_DIR: first.dataDir })).stdout.trim();
    const served: string[] = [];
    const session = agentSession(40, 'hurried', claudeCodeProfile);
    await Promise.all(
      session.map(async (turn) => {
        const response = await fetch(`${hurried.url}/v1/messages`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(turn.body) });
        const answer = await response.text();
        assert.equal(response.status, 200, answer);
        served.push(response.headers.get('x-scribe-exchange-id')!);
      }),
    );
    hurried.child.kill('SIGTERM');
    assert.equal(await hurried.exited, 0, hurried.stderr());
    assert.match(hurried.stderr(), /not yet recorded; saving their captures to the spool/);

    const records = await recordedByNextStart(upstream, dirs, served.length, 60_000);
    assert.deepEqual(new Set(records.map((r) => r.id)), new Set(served));
  } finally {
    await hurried.stop('SIGKILL');
    await upstream.close();
  }
});
