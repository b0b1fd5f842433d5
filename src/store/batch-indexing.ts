/**
 * Builds a batch's index from the batch file itself: for batches spooled by an older version,
 * for `scribe index` over a store written before indexes existed, and for readers that meet a
 * batch whose index is missing.
 */
import { decodeBatch } from '../record/batch-file.ts';
import { INDEX_VERSION, indexEntryOf, type BatchIndex } from '../record/batch-index.ts';
import { sha256Hex } from '../record/hash.ts';
import type { ExchangeRecord } from '../record/record.ts';

export async function indexBatchFile(name: string, bytes: Uint8Array): Promise<BatchIndex> {
  const { header, lines } = await decodeBatch(bytes);
  const entries = [];
  let from = Infinity;
  let to = -Infinity;
  for (const line of lines) {
    const record = JSON.parse(line) as ExchangeRecord;
    entries.push(indexEntryOf(record, record.chain.seq, await sha256Hex(line)));
    from = Math.min(from, record.time.startMs);
    to = Math.max(to, record.time.startMs);
  }
  return {
    header: {
      index: INDEX_VERSION,
      batch: name,
      sha256: await sha256Hex(bytes),
      instance: header.instance,
      seq: header.seq,
      records: entries.length,
      from: Number.isFinite(from) ? from : Date.parse(header.from),
      to: Number.isFinite(to) ? to : Date.parse(header.to),
    },
    entries,
  };
}
