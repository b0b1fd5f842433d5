/**
 * The audit layer: answers an auditor's questions over any store through its indexes. The CLI
 * and the viewer are thin clients of it; neither reads batch files itself.
 */
import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { timeOfExchangeId } from '../record/exchange-id.ts';
import { openSink, type Sink } from '../store/sink.ts';
import { describeStoreError } from '../store/store-errors.ts';
import { withReadRetries } from '../store/retrying-reads.ts';
import { Catalog } from './catalog.ts';
import { IndexCache } from './index-cache.ts';
import { checkBatches } from './integrity.ts';
import { RecordReader } from './record-reader.ts';
import { exchangeSummary, iterateExchanges, queryExchanges, querySessions, type Restriction } from './session-query.ts';
import { hourlyParts } from './session-hours.ts';
import { searchText } from './text-search.ts';
import type { AuditReader, BatchIntegrity, ExchangeFilter, ExchangeSummary, ExchangeView, Page, PageRequest, Progress, SessionPart, SessionSort, SessionSummary, SessionView } from './types.ts';

export type * from './types.ts';

export interface AuditOptions {
  /** The index cache file; ':memory:' for none kept. Default: SCRIBE_AUDIT_CACHE, else ~/.cache/scribe/<store hash>.sqlite. */
  cache?: string;
  gcsEndpoint?: string;
  /** Store requests in flight at once (default 16). */
  concurrency?: number;
  /**
   * Hours are listed again until this long after they end (default 6 h; SCRIBE_AUDIT_SETTLE_HOURS).
   * A batch that reaches the store later than that (a spool drained after a longer store
   * outage) is seen after `scribe index` or `--refresh`; `scribe verify` always lists everything.
   */
  settleMs?: number;
  /** List every hour again, however old. */
  refresh?: boolean;
  progress?: (progress: Progress) => void;
}

const HOUR = 3_600_000;

export function defaultCachePath(store: string): string {
  const base = process.env.SCRIBE_AUDIT_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'scribe');
  return join(base, `${createHash('sha256').update(store).digest('hex').slice(0, 16)}.sqlite`);
}

export class Audit implements AuditReader {
  private readonly catalog: Catalog;
  private readonly reader: RecordReader;
  private searches = 0;

  constructor(
    private readonly sink: Sink,
    readonly cache: IndexCache,
    private readonly options: AuditOptions,
  ) {
    this.catalog = new Catalog(sink, cache, {
      concurrency: options.concurrency ?? 16,
      settleMs: options.settleMs ?? Number(process.env.SCRIBE_AUDIT_SETTLE_HOURS ?? 6) * HOUR,
      refresh: options.refresh ?? false,
      ...(options.progress ? { progress: options.progress } : {}),
    });
    this.reader = new RecordReader(sink, cache);
  }

  get store(): string {
    return this.sink.url;
  }

  /** Brings the index cache up to date for the filter's time range. */
  async update(filter: ExchangeFilter = {}): Promise<void> {
    await this.catalog.update({
      ...(filter.since !== undefined ? { since: filter.since } : {}),
      ...(filter.until !== undefined ? { until: filter.until } : {}),
    });
  }

  /** Updates the cache, then runs a text search when the filter has one. */
  private async prepare(filter: ExchangeFilter): Promise<Restriction | undefined> {
    await this.update(filter);
    if (!filter.text) return undefined;
    const table = `text_matches_${++this.searches}`;
    await searchText(this.cache.db, this.sink, filter, filter.text, {
      table,
      concurrency: this.options.concurrency ?? 16,
      ...(this.options.progress ? { progress: this.options.progress } : {}),
    });
    return { table };
  }

  async sessions(filter: ExchangeFilter, page?: PageRequest & { sort?: SessionSort; order?: 'asc' | 'desc' }): Promise<Page<SessionSummary>> {
    const restriction = await this.prepare(filter);
    // A month's first listing sums hundreds of hours: done here, where progress can be shown.
    const hourly = restriction ? undefined : hourlyParts(filter);
    if (hourly) this.cache.refreshSessionHours({ from: hourly.hours[0], to: hourly.hours[1] }, (done, total) => this.options.progress?.({ phase: 'sum', done, total }));
    return querySessions(this.cache.db, filter, page, restriction);
  }

  async exchanges(filter: ExchangeFilter, page?: PageRequest): Promise<Page<ExchangeSummary>> {
    const restriction = await this.prepare(filter);
    return queryExchanges(this.cache.db, filter, page, restriction);
  }

  private view(summary: ExchangeSummary, record: ExchangeView['record']): ExchangeView {
    return { summary, record, requestBody: () => this.reader.requestBody(record) };
  }

  /** Finds an exchange by id: its own hour first when the id tells it (UUIDv7), else the whole store. */
  async exchange(id: string): Promise<ExchangeView | undefined> {
    let [summary] = queryExchanges(this.cache.db, { exchange: id }).items;
    if (!summary) {
      const at = timeOfExchangeId(id);
      if (at !== undefined) await this.update({ since: at - HOUR, until: at + HOUR });
      [summary] = queryExchanges(this.cache.db, { exchange: id }).items;
    }
    if (!summary) {
      await this.update({});
      [summary] = queryExchanges(this.cache.db, { exchange: id }).items;
    }
    if (!summary) return undefined;
    const record = await this.reader.read({ id, batch: summary.batch, line: summary.line, hash: this.hashOf(id) });
    return this.view(summary, record);
  }

  private hashOf(id: string): string {
    return this.cache.db.prepare('SELECT hash FROM exchanges WHERE id = ?').pluck().get(id) as string;
  }

  /**
   * A session's exchanges in conversation order, each read from its batch: all of them, or only
   * the part asked for (and the one before it, for context), however long the session.
   */
  async session(id: string, range: { since?: number; until?: number } = {}, part?: SessionPart): Promise<SessionView | undefined> {
    let page = querySessions(this.cache.db, { session: id });
    if (page.items.length === 0) {
      const at = timeOfExchangeId(id);
      await this.update(at !== undefined ? { since: at - HOUR, ...range } : range);
      page = querySessions(this.cache.db, { session: id });
    }
    const summary = page.items[0];
    if (!summary) return undefined;
    // A session may have gone on past the hours listed so far.
    await this.update({ since: summary.last, ...(range.until !== undefined ? { until: range.until } : {}) });
    const rows = [...iterateExchanges(this.cache.db, { session: id })].sort((a, b) => a.start - b.start || a.seq - b.seq);
    const from = part ? Math.max(0, Math.min(part.from, rows.length)) : 0;
    const shown = part ? rows.slice(from, from + Math.max(1, part.limit)) : rows;
    const read = (row: (typeof rows)[number]) => this.reader.read({ id: row.id, batch: row.batch, line: row.line, hash: row.hash }).then((record) => this.view(exchangeSummary(row), record));
    const [exchanges, before] = await Promise.all([Promise.all(shown.map(read)), from > 0 ? read(rows[from - 1]!) : undefined]);
    return { summary: querySessions(this.cache.db, { session: id }).items[0] ?? summary, exchanges, from, ...(before ? { before } : {}) };
  }

  integrity(batches: readonly string[]): Promise<BatchIntegrity[]> {
    return checkBatches(this.sink, this.cache, batches);
  }

  async close(): Promise<void> {
    this.cache.close();
  }
}

/** Opens a store for auditing: checks that it exists and can be read, and opens the index cache. */
export async function openAudit(storeUrl: string, options: AuditOptions = {}): Promise<Audit> {
  const sink = withReadRetries(await openSink(storeUrl, options.gcsEndpoint ? { gcsEndpoint: options.gcsEndpoint } : {}));
  try {
    await sink.probe();
  } catch (error) {
    throw describeStoreError(error, sink.url);
  }
  const cache = new IndexCache(options.cache ?? process.env.SCRIBE_AUDIT_CACHE ?? defaultCachePath(sink.url));
  return new Audit(sink, cache, options);
}
