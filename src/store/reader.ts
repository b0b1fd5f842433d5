/** Reads batch files and their records back from a store. */
import { decodeBatch, type BatchHeader } from '../record/batch-file.ts';
import { sha256Hex } from '../record/hash.ts';
import type { ExchangeRecord } from '../record/record.ts';
import { rangeListings } from './batch-names.ts';
import type { Sink } from './sink.ts';

export interface TimeRange {
  /** Epoch ms, inclusive. */
  since?: number;
  until?: number;
}

export interface StoredBatch {
  name: string;
  /** SHA-256 of the file's bytes, as the next batch's header names it. */
  sha256: string;
  header: BatchHeader;
  lines: string[];
}

/** Names of batch files whose records may start within the range (all of them without one). */
export async function listBatches(sink: Sink, range: TimeRange = {}): Promise<string[]> {
  const listings = rangeListings(range.since, range.until);
  const names = await Promise.all(listings.map(({ prefix, ...offsets }) => sink.list(prefix, offsets)));
  return names.flat().sort();
}

export async function readBatch(sink: Sink, name: string): Promise<StoredBatch> {
  const bytes = await sink.read(name);
  const { header, lines } = await decodeBatch(bytes);
  return { name, sha256: await sha256Hex(bytes), header, lines };
}

/** Every record starting within the range, oldest first. */
export async function readRecords(sink: Sink, range: TimeRange = {}): Promise<ExchangeRecord[]> {
  const records: ExchangeRecord[] = [];
  for (const name of await listBatches(sink, range)) {
    const batch = await readBatch(sink, name);
    for (const line of batch.lines) {
      const record = JSON.parse(line) as ExchangeRecord;
      const start = record.time.startMs;
      if ((range.since === undefined || start >= range.since) && (range.until === undefined || start <= range.until)) records.push(record);
    }
  }
  return records.sort((a, b) => a.time.startMs - b.time.startMs || a.chain.seq - b.chain.seq);
}
