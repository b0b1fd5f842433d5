/** checkCheckpoints, rule by rule, on hand-made checkpoints and batch lists. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkCheckpoints, type WriterBatches } from '../../src/checkpoint/check.ts';
import { checkpointName, signCheckpoint, type CheckpointBody } from '../../src/checkpoint/checkpoint.ts';
import type { SigningKey } from '../../src/checkpoint/signing-key.ts';
import { sha256Hex } from '../../src/record/hash.ts';
import { tempDir } from '../record/store-helpers.ts';
import { signingKeyIn } from './support.ts';

const key: SigningKey = await signingKeyIn(await tempDir('check-key'));
const T0 = Date.parse('2026-11-29T12:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

/** Batches 0..n-1 of a writer, one a second from T0. */
function batches(instance: string, n: number): Map<number, { name: string; sha256: string; to: string }> {
  return new Map(Array.from({ length: n }, (_, seq) => [seq, { name: `batches/0/x/${instance}-${seq}`, sha256: `${seq}`.padStart(64, '0'), to: iso(T0 + seq * 1000) }]));
}

/** A chain of checkpoints covering the given batch seqs, signed at the given times. */
async function chain(instance: string, stored: ReturnType<typeof batches>, points: [seq: number, atMs: number][]): Promise<{ name: string; jws: string }[]> {
  const out: { name: string; jws: string }[] = [];
  let prev: CheckpointBody['prev'] = null;
  for (const [seq, atMs] of points) {
    const batch = stored.get(seq) as { name: string; sha256: string; to: string };
    const body: CheckpointBody = { v: 1, instance, batch: { seq, name: batch.name, sha256: batch.sha256 }, records: seq + 1, lastRecordAt: batch.to, at: iso(atMs), intervalMs: 60_000, prev };
    const name = checkpointName(instance, atMs, seq);
    const jws = await signCheckpoint(body, key);
    out.push({ name, jws });
    prev = { name, sha256: await sha256Hex(jws) };
  }
  return out;
}

const writers = (entries: [string, ReturnType<typeof batches>][]) => new Map<string, WriterBatches>(entries.map(([i, b]) => [i, { batches: b }]));

test('an intact writer: every batch covered, nothing to report', async () => {
  const stored = batches('gw1', 5);
  const report = await checkCheckpoints(await chain('gw1', stored, [[1, T0 + 2000], [4, T0 + 5000]]), writers([['gw1', stored]]), key.publicJwk);
  assert.deepEqual(report.problems, []);
  assert.deepEqual(report.writers, [{ instance: 'gw1', checkpoints: 2, batchesCovered: 5, recordsCovered: 5, batchesAfter: 0, newest: { name: report.writers[0]?.newest?.name, at: iso(T0 + 5000), final: false } }]);
});

test('a vouched-for batch whose bytes differ is reported with the checkpoint that names it', async () => {
  const stored = batches('gw1', 3);
  const checkpoints = await chain('gw1', stored, [[2, T0 + 3000]]);
  stored.set(2, { ...(stored.get(2) as { name: string; sha256: string; to: string }), sha256: 'f'.repeat(64) });
  const report = await checkCheckpoints(checkpoints, writers([['gw1', stored]]), key.publicJwk);
  assert.match(report.problems.join('\n'), /writer gw1: batch 2 \(batches\/0\/x\/gw1-2\) differs from the batches\/0\/x\/gw1-2 that checkpoint \S+ vouches for/);
});

test('two checkpoints following one predecessor are a fork', async () => {
  const stored = batches('gw1', 3);
  const [first, second] = await chain('gw1', stored, [[0, T0 + 1000], [1, T0 + 2000]]);
  const [, rival] = await chain('gw1', stored, [[0, T0 + 1000], [2, T0 + 2500]]);
  const report = await checkCheckpoints([first, second, rival] as { name: string; jws: string }[], writers([['gw1', stored]]), key.publicJwk);
  assert.match(report.problems.join('\n'), /checkpoint chain forks: \S+ and \S+ both follow \S+ \(two gateways writing as gw1\?\)/);
});

test('a checkpoint moved to another name does not vouch', async () => {
  const stored = batches('gw1', 3);
  const [only] = await chain('gw1', stored, [[2, T0 + 3000]]);
  const moved = { name: checkpointName('gw9', T0 + 3000, 2), jws: (only as { jws: string }).jws };
  const report = await checkCheckpoints([moved], writers([['gw1', stored]]), key.publicJwk);
  assert.match(report.problems.join('\n'), /checkpoint checkpoints\/gw9\/\S+: says writer gw1 batch 2 \(renamed or copied\)/);
  assert.match(report.problems.join('\n'), /writer gw1: 3 batch\(es\) and no valid checkpoint/);
});

test('batches after the newest checkpoint: a note within the interval, a problem beyond interval + margin', async () => {
  const stored = batches('gw1', 4);
  // Checkpoint of batch 1 signed at T0+2 s; batches 2 and 3 have records up to T0+3 s: within the minute.
  const within = await checkCheckpoints(await chain('gw1', stored, [[1, T0 + 2000]]), writers([['gw1', stored]]), key.publicJwk);
  assert.deepEqual(within.problems, []);
  assert.match(within.notes.join('\n'), /writer gw1: 2 batch\(es\) newer than its last checkpoint \(batch 2\.\.3, .*\), within one checkpoint interval/);
  // The same checkpoint, but batch 3's last record started 91 s after it: its successor should exist.
  stored.set(3, { ...(stored.get(3) as { name: string; sha256: string; to: string }), to: iso(T0 + 2000 + 91_000) });
  const beyond = await checkCheckpoints(await chain('gw1', stored, [[1, T0 + 2000]]), writers([['gw1', stored]]), key.publicJwk);
  assert.match(beyond.problems.join('\n'), /writer gw1: 2 batch\(es\) newer than its last checkpoint .*checkpoints come every 60 s: the newest checkpoint\(s\) may have been removed/);
});

test('a key that is not a checkpoint key is refused', async () => {
  await assert.rejects(checkCheckpoints([], new Map(), { kty: 'RSA', n: 'x', e: 'AQAB' }), /not a checkpoint key: kty RSA/);
});
