/**
 * Listing queries over the cache: sessions summed from their exchanges, and exchanges, each
 * filtered, sorted and paged inside SQLite (never loaded whole and sorted in memory).
 */
import type Database from 'better-sqlite3';
import { filterCondition } from './filter-sql.ts';
import { EXCHANGE_PARTS, hourlyParts, refreshSessionHours } from './session-hours.ts';
import type { ExchangeFilter, ExchangeSummary, Page, PageRequest, SessionSort, SessionSummary } from './types.ts';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 1000;

/** Pages are addressed by an opaque cursor: the offset of the next item. */
export function pageBounds(page: PageRequest = {}): { limit: number; offset: number } {
  const limit = Math.min(MAX_LIMIT, Math.max(1, Math.floor(page.limit ?? DEFAULT_LIMIT)));
  let offset = 0;
  if (page.cursor) {
    const decoded = Number(Buffer.from(page.cursor, 'base64url').toString('utf8').replace(/^o:/, ''));
    if (!Number.isInteger(decoded) || decoded < 0) throw new Error(`not a cursor from this store: ${page.cursor}`);
    offset = decoded;
  }
  return { limit, offset };
}

export const cursorAt = (offset: number) => Buffer.from(`o:${offset}`, 'utf8').toString('base64url');

interface ExchangeRow {
  id: string;
  session: string;
  parent: string | null;
  batch: string;
  line: number;
  instance: string;
  seq: number;
  hash: string;
  subject: string | null;
  email: string | null;
  issuer: string | null;
  groups: string;
  connection: string;
  model: string | null;
  start: number;
  ttfb: number | null;
  duration: number;
  input: number;
  output: number;
  outcome: string;
  findings: string;
  preview: string;
}

export function exchangeSummary(row: ExchangeRow): ExchangeSummary {
  return {
    id: row.id,
    session: row.session,
    parent: row.parent,
    batch: row.batch,
    line: row.line,
    instance: row.instance,
    seq: row.seq,
    subject: row.subject,
    email: row.email,
    issuer: row.issuer,
    groups: JSON.parse(row.groups) as string[],
    connection: row.connection,
    model: row.model,
    start: row.start,
    ttfbMs: row.ttfb,
    durationMs: row.duration,
    inputTokens: row.input,
    outputTokens: row.output,
    outcome: row.outcome,
    findings: JSON.parse(row.findings) as string[],
    preview: row.preview,
  };
}

/** Restricts to exchanges whose ids are in the named temporary table (a text search's matches). */
export interface Restriction {
  table: string;
}

function where(filter: ExchangeFilter, restriction?: Restriction): { sql: string; params: unknown[] } {
  const condition = filterCondition(filter);
  const sql = restriction ? `${condition.where} AND id IN (SELECT id FROM ${restriction.table})` : condition.where;
  return { sql, params: condition.params };
}

export function queryExchanges(db: Database.Database, filter: ExchangeFilter, page?: PageRequest, restriction?: Restriction): Page<ExchangeSummary> {
  const { limit, offset } = pageBounds(page);
  const { sql, params } = where(filter, restriction);
  const rows = db.prepare(`SELECT * FROM exchanges WHERE ${sql} ORDER BY start, instance, seq LIMIT ? OFFSET ?`).all(...params, limit + 1, offset) as ExchangeRow[];
  const items = rows.slice(0, limit).map(exchangeSummary);
  return rows.length > limit ? { items, next: cursorAt(offset + limit) } : { items };
}

/** Streams matching exchanges' locations, oldest first (for text search and exports). */
export function iterateExchanges(db: Database.Database, filter: ExchangeFilter): IterableIterator<ExchangeRow> {
  const { sql, params } = where(filter);
  return db.prepare(`SELECT * FROM exchanges WHERE ${sql} ORDER BY batch, line`).iterate(...params) as IterableIterator<ExchangeRow>;
}

const sortColumns: Record<SessionSort, string> = {
  last: 'last',
  first: 'first',
  exchanges: 'exchanges',
  tokens: '(input + output)',
  who: 'lower(who)',
};

interface SessionRow {
  session: string;
  first: number;
  last: number;
  exchanges: number;
  input: number;
  output: number;
  nfindings: number;
  outcomes: string;
  models: string | null;
  connections: string;
  subject: string | null;
  email: string | null;
  issuer: string | null;
  who: string;
  preview: string;
}

/** The distinct names of a comma-joined list, in order of first appearance. */
const distinct = (joined: string | null): string[] => (joined ? [...new Set(joined.split(','))] : []);

function sessionSummary(row: SessionRow): SessionSummary {
  const outcomes: Record<string, number> = {};
  for (const outcome of row.outcomes.split(',')) outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
  return {
    session: row.session,
    who: row.who,
    subject: row.subject,
    email: row.email,
    issuer: row.issuer,
    exchanges: row.exchanges,
    first: row.first,
    last: row.last,
    inputTokens: row.input,
    outputTokens: row.output,
    outcomes,
    models: distinct(row.models),
    connections: distinct(row.connections),
    findings: row.nfindings,
    preview: row.preview,
  };
}

function exchangeParts(filter: ExchangeFilter, restriction?: Restriction): { sql: string; params: unknown[] } {
  const { sql, params } = where(filter, restriction);
  return { sql: `${EXCHANGE_PARTS} WHERE ${sql}`, params };
}

export function querySessions(
  db: Database.Database,
  filter: ExchangeFilter,
  page: PageRequest & { sort?: SessionSort; order?: 'asc' | 'desc' } = {},
  restriction?: Restriction,
): Page<SessionSummary> {
  const { limit, offset } = pageBounds(page);
  const column = sortColumns[page.sort ?? 'last'];
  const order = page.order === 'asc' ? 'ASC' : 'DESC';
  const hourly = restriction ? undefined : hourlyParts(filter);
  if (hourly) refreshSessionHours(db, ...hourly.hours);
  const parts = hourly ?? exchangeParts(filter, restriction);
  const rows = db
    .prepare(
      // Matching parts first (so the filter picks its index), then summed by session. With
      // min() alone, SQLite takes the other bare columns from the row holding the minimum: the
      // identity and preview of the session's first matching exchange.
      `WITH m AS MATERIALIZED (${parts.sql}), s AS (
         SELECT session, max(last) AS last, sum(exchanges) AS exchanges, sum(input) AS input,
                sum(output) AS output, sum(nfindings) AS nfindings, group_concat(outcomes) AS outcomes,
                group_concat(models) AS models, group_concat(connections) AS connections
         FROM m GROUP BY session
       ), i AS (
         SELECT session, min(first) AS first, subject, email, issuer, preview FROM m GROUP BY session
       ), f AS (
         SELECT s.*, i.first, i.subject, i.email, i.issuer, coalesce(i.email, i.subject, '(unauthenticated)') AS who, i.preview
         FROM s JOIN i USING (session)
       )
       SELECT * FROM f ORDER BY ${column} ${order}, session ${order} LIMIT ? OFFSET ?`,
    )
    .all(...parts.params, limit + 1, offset) as SessionRow[];
  const items = rows.slice(0, limit).map(sessionSummary);
  return rows.length > limit ? { items, next: cursorAt(offset + limit) } : { items };
}
