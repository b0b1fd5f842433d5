/**
 * Builds the indexes a store lacks (a store written before indexes existed, or a batch whose
 * index upload never happened): each missing per-batch index from its batch, and segments over
 * the runs so built. Create-only and idempotent, so an interrupted run resumes where it stopped.
 */
import { batchIndexText, encodeBatchIndex } from '../record/batch-index.ts';
import { indexBatchFile } from '../store/batch-indexing.ts';
import { indexName, parseBatchName, rangeListings } from '../store/batch-names.ts';
import { readAhead } from '../store/parallel-reads.ts';
import { SegmentWriter } from '../store/segment-writer.ts';
import type { Sink } from '../store/sink.ts';
import { describeStoreError } from '../store/store-errors.ts';
import type { Progress } from './types.ts';

export interface BuildReport {
  batches: number;
  built: number;
  unreadable: string[];
}

async function listAll(sink: Sink, tree: 'batches' | 'index', range: { since?: number; until?: number }): Promise<string[]> {
  const listings = rangeListings(range.since, range.until).map(({ prefix, startOffset, endOffset }) => ({
    prefix: prefix.replace(/^batches\//, `${tree}/`),
    ...(startOffset ? { startOffset: startOffset.replace(/^batches\//, `${tree}/`) } : {}),
    ...(endOffset ? { endOffset: endOffset.replace(/^batches\//, `${tree}/`) } : {}),
  }));
  return (await Promise.all(listings.map(({ prefix, ...offsets }) => sink.list(prefix, offsets)))).flat();
}

export async function buildMissingIndexes(
  sink: Sink,
  range: { since?: number; until?: number },
  options: { concurrency: number; progress?: (p: Progress) => void; log: (message: string) => void },
): Promise<BuildReport> {
  let batches: string[];
  let existing: Set<string>;
  try {
    options.progress?.({ phase: 'list', done: 0 });
    batches = (await listAll(sink, 'batches', range)).filter((name) => parseBatchName(name));
    existing = new Set(await listAll(sink, 'index', range));
  } catch (error) {
    throw describeStoreError(error, sink.url);
  }
  const missing = batches
    .filter((name) => !existing.has(indexName(name)))
    .sort((a, b) => {
      const pa = parseBatchName(a)!;
      const pb = parseBatchName(b)!;
      return pa.instance < pb.instance ? -1 : pa.instance > pb.instance ? 1 : pa.seq - pb.seq;
    });
  const segments = new SegmentWriter(sink, options.log);
  const report: BuildReport = { batches: batches.length, built: 0, unreadable: [] };
  const build = async (name: string) => {
    try {
      return { name, index: await indexBatchFile(name, await sink.read(name)), error: undefined };
    } catch (error) {
      return { name, index: undefined, error: error as Error };
    }
  };
  let done = 0;
  for await (const result of readAhead(missing, options.concurrency, build)) {
    options.progress?.({ phase: 'index', done: ++done, total: missing.length });
    if (!result.index) {
      report.unreadable.push(`${result.name}: ${result.error?.message.split('\n')[0]}`);
      continue;
    }
    const bytes = encodeBatchIndex(result.index.header, result.index.entries);
    const target = indexName(result.name);
    try {
      if ((await sink.create(target, bytes)) === 'exists' && !(await sink.holds(target, bytes))) options.log(`${target} already exists and differs from the batch (scribe verify tells why)`);
    } catch (error) {
      throw describeStoreError(error, sink.url);
    }
    segments.stored(result.index.header, batchIndexText(result.index.header, result.index.entries));
    report.built++;
  }
  await segments.close();
  return report;
}

