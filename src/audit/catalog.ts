/**
 * Brings the index cache up to date for a time range, reading as little of the store as it can:
 * one ranged listing per shard of the batch names (never their contents), then for the batches
 * the cache does not know yet their index segments, else their per-batch indexes, else (a store
 * written before indexes existed) the batch files themselves. Hours that ended long enough ago
 * (`settleMs`) are remembered as complete and not listed again, so a month is listed once.
 */
import { decodeIndex, type BatchIndex } from '../record/batch-index.ts';
import { indexBatchFile } from '../store/batch-indexing.ts';
import { indexName, LISTING_SLACK_MS, parseBatchName, parseSegmentName, rangeListings, segmentListing } from '../store/batch-names.ts';
import { mapBounded } from '../store/parallel-reads.ts';
import type { Sink } from '../store/sink.ts';
import { describeStoreError, isNotFound } from '../store/store-errors.ts';
import type { IndexCache } from './index-cache.ts';
import type { Progress } from './types.ts';

export interface CatalogOptions {
  /** Requests in flight at once. */
  concurrency: number;
  /** An hour is complete once it ended this long before it was listed. */
  settleMs: number;
  /** List every hour again, settled or not. */
  refresh: boolean;
  progress?: (progress: Progress) => void;
  now?: () => number;
}

const HOUR = 3_600_000;
const SEGMENT_ENTRIES_PER_TRANSACTION = 16_384;
const hourKey = (ms: number) => new Date(ms).toISOString().slice(0, 13);
const hourStart = (ms: number) => Math.floor(ms / HOUR) * HOUR;

/** The hours of [since, until] not yet settled, as one span to list (undefined: nothing to list). */
function spanToList(cache: IndexCache, since: number | undefined, until: number, options: CatalogOptions): { since?: number; until: number } | undefined {
  if (options.refresh) return since === undefined ? { until } : { since, until };
  const settled = cache.settledHours();
  // Everything before `complete_before` was listed once from the store's beginning.
  const complete = Number(cache.meta('complete_before') ?? Number.NaN);
  let from = since === undefined ? complete : hourStart(since - LISTING_SLACK_MS);
  if (Number.isNaN(from)) return { until };
  if (!Number.isNaN(complete) && from < complete) from = complete;
  while (from <= until && settled.has(hourKey(from))) from += HOUR;
  if (from > until) return undefined;
  // Listing starts `LISTING_SLACK_MS` before `since`; ask for the hour itself.
  return { since: from + LISTING_SLACK_MS, until };
}

export class Catalog {
  /** Updates run one after another: a viewer asks several at once, and they share one cache. */
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly sink: Sink,
    private readonly cache: IndexCache,
    private readonly options: CatalogOptions,
  ) {}

  private report(progress: Progress): void {
    this.options.progress?.(progress);
  }

  /** Makes the cache hold every batch of the store whose records may start in [since, until]. */
  update(range: { since?: number; until?: number }): Promise<void> {
    const run = this.running.then(() => this.updateNow(range));
    this.running = run.catch(() => undefined);
    return run;
  }

  private async updateNow(range: { since?: number; until?: number }): Promise<void> {
    const now = (this.options.now ?? Date.now)();
    const until = range.until ?? now;
    const span = spanToList(this.cache, range.since, until, this.options);
    if (!span) return;
    let batches: string[];
    let segments: string[];
    try {
      this.report({ phase: 'list', done: 0 });
      const ranges = rangeListings(span.since, span.until);
      const listings = await Promise.all(ranges.map(({ prefix, ...offsets }) => this.sink.list(prefix, offsets)));
      // What the cache already holds, one range query per shard rather than a lookup per name.
      const known = ranges.map(({ prefix, startOffset, endOffset }) => this.cache.batchesBetween(startOffset ?? prefix, endOffset ?? `${prefix}~`));
      batches = listings.flatMap((names, shard) => names.filter((name) => parseBatchName(name) !== undefined && !known[shard]?.has(name)));
      const { prefix, ...offsets } = segmentListing(span.since, span.until);
      segments = (await this.sink.list(prefix, offsets)).filter((name) => parseSegmentName(name) && !this.cache.knowsSegment(name));
      this.report({ phase: 'list', done: batches.length, total: batches.length });
    } catch (error) {
      throw describeStoreError(error, this.sink.url);
    }
    const fromSegments = await this.ingestSegments(batches, segments);
    // An hour with a batch that could not be read is listed again next time.
    const covered = (name: string) => {
      const { instance, seq } = parseBatchName(name)!;
      return fromSegments.get(instance)?.has(seq) ?? false;
    };
    if (await this.ingestBatches(batches.filter((name) => !covered(name)))) this.settle(span, now);
  }

  /**
   * Reads the segments that describe batches (listed, not yet in the cache); returns the batches
   * they held, as each writer's sequence numbers (a whole store's names would cost 40 MB more).
   */
  private async ingestSegments(batches: readonly string[], segments: readonly string[]): Promise<Map<string, Set<number>>> {
    const ingested = new Map<string, Set<number>>();
    const unknown = new Map<string, number[]>();
    for (const name of batches) {
      const parsed = parseBatchName(name)!;
      const list = unknown.get(parsed.instance) ?? [];
      list.push(parsed.seq);
      unknown.set(parsed.instance, list);
    }
    const useful = segments.filter((name) => {
      const { instance, firstSeq, lastSeq } = parseSegmentName(name)!;
      return unknown.get(instance)?.some((seq) => seq >= firstSeq && seq <= lastSeq) ?? false;
    });
    let done = 0;
    // One transaction per segment wrote the same index pages over and over (three times the
    // cache's size in writes for a day); segments are stored in one transaction per 16k entries.
    await this.cache.inBulk(SEGMENT_ENTRIES_PER_TRANSACTION, (ingest) =>
      mapBounded(useful, this.options.concurrency, async (name) => {
        const bytes = await this.readObject(name);
        let indexes: BatchIndex[];
        try {
          indexes = bytes ? decodeIndex(bytes) : [];
        } catch {
          return; // A damaged segment only costs speed: the per-batch indexes cover the same batches.
        }
        ingest(indexes, 'segment', [name]);
        for (const { header } of indexes) {
          const seqs = ingested.get(header.instance) ?? new Set<number>();
          seqs.add(header.seq);
          ingested.set(header.instance, seqs);
        }
        this.report({ phase: 'index', done: ++done, total: useful.length });
      }),
    );
    return ingested;
  }

  /** Reads the per-batch index of each batch (or, without one, the batch itself). */
  private async ingestBatches(names: readonly string[]): Promise<boolean> {
    let done = 0;
    let complete = true;
    const pending: { index: BatchIndex; source: string }[] = [];
    const flush = () => {
      for (const source of ['index', 'batch']) {
        const indexes = pending.filter((p) => p.source === source).map((p) => p.index);
        if (indexes.length > 0) this.cache.ingest(indexes, source);
      }
      pending.length = 0;
    };
    await mapBounded(names, this.options.concurrency, async (name) => {
      const read = await this.readIndex(name);
      if (read) pending.push(read);
      else complete = false;
      if (pending.length >= 256) flush();
      this.report({ phase: 'index', done: ++done, total: names.length });
    });
    flush();
    return complete;
  }

  /** An object's bytes; undefined when it is not there. Any other failure is the store's. */
  private async readObject(name: string): Promise<Uint8Array | undefined> {
    try {
      return await this.sink.read(name);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw describeStoreError(error, this.sink.url);
    }
  }

  private async readIndex(name: string): Promise<{ index: BatchIndex; source: string } | undefined> {
    const bytes = await this.readObject(indexName(name));
    if (bytes) {
      try {
        const [index] = decodeIndex(bytes);
        if (index && index.header.batch === name) return { index, source: 'index' };
      } catch {
        // A damaged index: the batch file says the same.
      }
    }
    const batch = await this.readObject(name);
    if (!batch) return undefined;
    try {
      return { index: await indexBatchFile(name, batch), source: 'batch' };
    } catch {
      return undefined; // unreadable: verify says what is wrong with it
    }
  }

  private settle(span: { since?: number; until: number }, now: number): void {
    const settledBefore = hourStart(now - this.options.settleMs);
    const hours: string[] = [];
    if (span.since !== undefined) {
      for (let h = hourStart(span.since - LISTING_SLACK_MS); h < Math.min(settledBefore, span.until); h += HOUR) {
        if (h + HOUR <= settledBefore) hours.push(hourKey(h));
      }
    }
    this.cache.markSettled(hours);
    // A listing from the store's beginning makes every settled hour before it complete.
    if (span.since === undefined && span.until >= settledBefore) this.cache.setMeta('complete_before', String(settledBefore));
    else if (span.since !== undefined && this.cache.meta('complete_before') !== undefined && hourStart(span.since - LISTING_SLACK_MS) <= Number(this.cache.meta('complete_before'))) {
      this.cache.setMeta('complete_before', String(Math.max(Number(this.cache.meta('complete_before')), Math.min(settledBefore, hourStart(span.until)))));
    }
  }
}
