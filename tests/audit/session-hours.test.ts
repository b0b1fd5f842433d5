import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { BatchIndex, IndexEntry } from '../../src/record/batch-index.ts';
import { IndexCache } from '../../src/audit/index-cache.ts';
import { querySessions } from '../../src/audit/session-query.ts';
import type { SessionSummary } from '../../src/audit/types.ts';
import { tempDir } from '../record/store-helpers.ts';

const HOUR = 3_600_000;
const DAY0 = Date.UTC(2026, 5, 1);

/** A seeded generator, so that a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

/** Sessions of 1-40 exchanges a few minutes apart, many crossing an hour, over two days. */
function exchangesOf(seed: number, sessions: number): IndexEntry[] {
  const next = random(seed);
  const entries: IndexEntry[] = [];
  for (let s = 0; s < sessions; s++) {
    let t = DAY0 + Math.floor(next() * 2 * 24 * HOUR);
    const turns = 1 + Math.floor(next() * 40);
    for (let turn = 0; turn < turns; turn++) {
      t += Math.floor(next() * 6 * 60_000);
      entries.push({
        id: `ex-${s}-${turn}`, s: `sess-${s}`, p: null, seq: entries.length, h: 'h'.repeat(64),
        sub: `user${s % 7}`, em: `user${s % 7}@example.com`, iss: 'https://issuer.example', g: ['dev'],
        c: s % 3 === 0 ? 'vertex' : 'anthropic', m: turn % 5 === 0 ? 'claude-haiku' : 'claude-sonnet',
        t, f: 100, d: 900, in: 10 + turn, out: 3 * turn, x: turn % 9 === 8 ? 'upstream_error' : 'complete',
        r: turn % 11 === 10 ? ['aws-access-key-id'] : [], defs: [], q: `prompt ${s}.${turn}`,
      });
    }
  }
  return entries;
}

/** Indexes of batches of three exchanges each, in the order given. */
function batchesOf(entries: readonly IndexEntry[], first = 0): BatchIndex[] {
  const batches: BatchIndex[] = [];
  for (let i = 0; i < entries.length; i += 3) {
    const part = entries.slice(i, i + 3);
    const seq = first + i / 3;
    batches.push({
      header: { index: 1, batch: `batches/x/gw-${seq}.ndjson.gz`, sha256: 's'.repeat(64), instance: 'gw', seq, records: part.length, from: part[0]!.t, to: part.at(-1)!.t },
      entries: part,
    });
  }
  return batches;
}

/** What a listing of [since, until] should say of each session, summed from its exchanges. */
function expected(entries: readonly IndexEntry[], since: number, until: number): Map<string, Partial<SessionSummary>> {
  const sums = new Map<string, Partial<SessionSummary> & { exchanges: number }>();
  for (const e of entries.filter((x) => x.t >= since && x.t <= until)) {
    const sum = sums.get(e.s) ?? { exchanges: 0, inputTokens: 0, outputTokens: 0, findings: 0, first: e.t, last: e.t, outcomes: {} };
    sum.exchanges += 1;
    sum.inputTokens! += e.in;
    sum.outputTokens! += e.out;
    sum.findings! += e.r.length;
    if (e.t < sum.first! || sum.preview === undefined) sum.preview = e.q;
    sum.first = Math.min(sum.first!, e.t);
    sum.last = Math.max(sum.last!, e.t);
    sum.outcomes![e.x] = (sum.outcomes![e.x] ?? 0) + 1;
    sums.set(e.s, sum);
  }
  return sums;
}

function listed(cache: IndexCache, since: number, until: number): Map<string, Partial<SessionSummary>> {
  const { items, next } = querySessions(cache.db, { since, until }, { limit: 1000 });
  assert.equal(next, undefined);
  return new Map(
    items.map((s) => [s.session, { exchanges: s.exchanges, inputTokens: s.inputTokens, outputTokens: s.outputTokens, findings: s.findings, first: s.first, last: s.last, outcomes: s.outcomes, preview: s.preview }]),
  );
}

test('a time range is summed the same from hourly sums as from its exchanges, aligned to hours or not', () => {
  const entries = exchangesOf(7, 300);
  const cache = new IndexCache(':memory:');
  cache.ingest(batchesOf(entries), 'index');
  const ranges = [
    [DAY0, DAY0 + 24 * HOUR - 1],
    [DAY0 + 24 * HOUR, DAY0 + 48 * HOUR - 1],
    [DAY0 + 17 * 60_000, DAY0 + 30 * HOUR + 123_456],
    [DAY0 + 5 * HOUR + 1, DAY0 + 7 * HOUR],
    [DAY0 + 3 * HOUR + 10, DAY0 + 3 * HOUR + 20 * 60_000],
    [0, Number.MAX_SAFE_INTEGER],
  ] as const;
  for (const [since, until] of ranges) {
    const want = expected(entries, since, until);
    assert.ok(want.size > 0 || until - since < HOUR);
    assert.deepEqual(listed(cache, since, until), want, `range ${since} .. ${until}`);
  }
  cache.close();
});

test('exchanges that reach an hour after it was listed are in the next listing', () => {
  const entries = exchangesOf(11, 120);
  const late = entries.filter((_, i) => i % 4 === 0);
  const early = entries.filter((_, i) => i % 4 !== 0);
  const cache = new IndexCache(':memory:');
  const day: [number, number] = [DAY0, DAY0 + 24 * HOUR - 1];
  cache.ingest(batchesOf(early), 'index');
  assert.deepEqual(listed(cache, ...day), expected(early, ...day));
  cache.ingest(batchesOf(late, 10_000), 'index');
  assert.deepEqual(listed(cache, ...day), expected(entries, ...day));
  cache.close();
});

test('a session lists its models and connections once each', () => {
  const entries = exchangesOf(3, 40);
  const cache = new IndexCache(':memory:');
  cache.ingest(batchesOf(entries), 'index');
  for (const session of querySessions(cache.db, { since: DAY0, until: DAY0 + 48 * HOUR - 1 }, { limit: 1000 }).items) {
    assert.equal(new Set(session.models).size, session.models.length);
    assert.equal(session.connections.length, 1);
  }
  cache.close();
});

test('a cache file damaged on disk is started afresh rather than failing the command', async () => {
  const path = join(await tempDir('damaged-cache'), 'cache.sqlite');
  writeFileSync(path, Buffer.alloc(8192, 'not a database '));
  const cache = new IndexCache(path);
  cache.ingest(batchesOf(exchangesOf(5, 10)), 'index');
  assert.ok(listed(cache, 0, Number.MAX_SAFE_INTEGER).size > 0);
  cache.close();
});

test('a listing rebuilds the sums of its own hours only, leaving the others for when they are asked for', () => {
  const entries = exchangesOf(13, 200);
  const cache = new IndexCache(':memory:');
  cache.ingest(batchesOf(entries), 'index');
  const dirty = () => cache.db.prepare('SELECT count(*) FROM dirty_hours').pluck().get() as number;
  const before = dirty();
  const firstDay: [number, number] = [DAY0, DAY0 + 24 * HOUR - 1];
  assert.deepEqual(listed(cache, ...firstDay), expected(entries, ...firstDay));
  const rebuilt = before - dirty();
  assert.ok(rebuilt > 0 && rebuilt <= 24, `rebuilt ${rebuilt} hours`);
  const secondDay: [number, number] = [DAY0 + 24 * HOUR, DAY0 + 48 * HOUR - 1];
  assert.deepEqual(listed(cache, ...secondDay), expected(entries, ...secondDay));
  const reports: [number, number][] = [];
  cache.refreshSessionHours({}, (done, total) => reports.push([done, total]));
  assert.equal(dirty(), 0);
  assert.ok(reports.length > 0, 'the rebuild reports its progress');
  assert.deepEqual(reports.at(-1), [reports.at(-1)![1], reports.at(-1)![1]], 'and ends with all hours done');
  cache.close();
});
