/** Batch names spread writes over shards, yet a time range is found by ranged listings. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { batchName, parseBatchName, rangeListings } from '../../src/store/batch-names.ts';

const at = Date.parse('2026-11-28T12:34:56.789Z');

test('consecutive batches of one writer land in different shards', () => {
  const shards = new Set(Array.from({ length: 64 }, (_, seq) => parseBatchName(batchName('gw1', seq, at))?.shard));
  assert.ok(shards.size >= 12, `only ${shards.size} shards used`);
});

test('a name carries shard, hour, time, writer and sequence, and parses back', () => {
  const name = batchName('gw1', 42, at);
  assert.match(name, /^batches\/[0-9a-f]\/2026-11-28T12\/20261128T123456789-gw1-0000000042\.ndjson\.gz$/);
  assert.deepEqual(parseBatchName(name), { shard: name[8], instance: 'gw1', seq: 42 });
});

test('range listings cover a batch inside the range and exclude one after it', () => {
  const inside = batchName('gw1', 1, at);
  const later = batchName('gw1', 2, at + 3 * 3600_000);
  const covers = (name: string) =>
    rangeListings(at - 60_000, at + 60_000).some(
      (l) => name.startsWith(l.prefix) && (l.startOffset === undefined || name >= l.startOffset) && (l.endOffset === undefined || name < l.endOffset),
    );
  assert.equal(covers(inside), true);
  assert.equal(covers(later), false);
});
