import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { SegmentWriter } from '../../src/store/segment-writer.ts';
import { batchName } from '../../src/store/batch-names.ts';
import { batchIndexText, parseIndexHeader, parseIndexText, type BatchIndexHeader, type IndexEntry } from '../../src/record/batch-index.ts';
import type { Sink } from '../../src/store/sink.ts';

function memorySink(): Sink & { objects: Map<string, Uint8Array> } {
  const objects = new Map<string, Uint8Array>();
  return {
    url: 'memory:',
    objects,
    async create(name, bytes) {
      if (objects.has(name)) return 'exists';
      objects.set(name, bytes);
      return 'created';
    },
    async holds(name, bytes) {
      return Buffer.compare(objects.get(name) ?? Buffer.alloc(0), bytes) === 0;
    },
    async read(name) {
      return objects.get(name)!;
    },
    async list(prefix) {
      return [...objects.keys()].filter((name) => name.startsWith(prefix)).sort();
    },
    async probe() {},
  };
}

const at = Date.UTC(2026, 10, 29, 21, 15);

function index(seq: number, records: number): { header: BatchIndexHeader; text: string } {
  const header: BatchIndexHeader = { index: 1, batch: batchName('gw1', seq, at), sha256: 'ab'.repeat(32), instance: 'gw1', seq, records, from: at + seq, to: at + seq + 5 };
  const entries = Array.from({ length: records }, (_, i) => ({ id: `${seq}-${i}`, s: at + seq, u: 'dev@example.com' }) as unknown as IndexEntry);
  return { header, text: batchIndexText(header, entries) };
}

test('a segment holds its batches\' indexes back to back, whether each came as text or as UTF-8 bytes', async () => {
  const sink = memorySink();
  const writer = new SegmentWriter(sink, (message) => assert.fail(message), { maxBatches: 3, maxAgeMs: 60_000 });
  const parts = [index(1, 400), index(2, 2), index(3, 900)];
  writer.stored(parts[0]!.header, parts[0]!.text);
  writer.stored(parts[1]!.header, new TextEncoder().encode(parts[1]!.text));
  writer.stored(parts[2]!.header, parts[2]!.text);
  await writer.close();
  const names = await sink.list('segments/');
  assert.equal(names.length, 1);
  assert.match(names[0]!, /gw1-0000000001-0000000003\.ndjson\.gz$/);
  const text = gunzipSync(sink.objects.get(names[0]!)!).toString('utf8');
  assert.equal(text, parts.map((part) => part.text).join(''));
  assert.deepEqual(parseIndexText(text).map((each) => each.entries.length), [400, 2, 900]);
});

test('an index\'s header is read from its first line alone', () => {
  const { header, text } = index(7, 3);
  assert.deepEqual(parseIndexHeader(new TextEncoder().encode(text)), header);
  assert.equal(parseIndexHeader(new TextEncoder().encode('{"id":"x"}\n')), undefined);
});
