/**
 * Per-session sums by hour, kept beside the cache's exchanges: listing a day's sessions adds up
 * a few thousand of these instead of fifty thousand exchanges. Ingesting marks the hours it
 * touched; the sums of those hours are rebuilt from their exchanges before the next listing
 * that reads them, so they never disagree with the exchanges they summarise.
 */
import type Database from 'better-sqlite3';
import type { ExchangeFilter } from './types.ts';

const HOUR = 3_600_000;

export const SESSION_HOURS_SCHEMA = `
CREATE TABLE IF NOT EXISTS session_hours (
  hour INTEGER NOT NULL, session TEXT NOT NULL, first INTEGER NOT NULL, last INTEGER NOT NULL, exchanges INTEGER NOT NULL,
  input INTEGER NOT NULL, output INTEGER NOT NULL, nfindings INTEGER NOT NULL, outcomes TEXT NOT NULL, models TEXT, connections TEXT NOT NULL,
  subject TEXT, email TEXT, issuer TEXT, preview TEXT NOT NULL,
  PRIMARY KEY (hour, session)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS dirty_hours (hour INTEGER PRIMARY KEY);
`;

/**
 * The columns every source of session parts yields, summed by session afterwards. The identity
 * and preview are those of the part's first exchange.
 */
export const PART_COLUMNS = 'session, first, last, exchanges, input, output, nfindings, outcomes, models, connections, subject, email, issuer, preview';

/** Exchanges as one-exchange parts (the general case: any filter). */
export const EXCHANGE_PARTS = `SELECT session, start AS first, start AS last, 1 AS exchanges, input, output, nfindings, outcome AS outcomes,
  model AS models, connection AS connections, subject, email, issuer, preview FROM exchanges`;

export function markHoursDirty(db: Database.Database, hours: Iterable<number>): void {
  const mark = db.prepare('INSERT OR IGNORE INTO dirty_hours VALUES (?)');
  for (const hour of hours) mark.run(hour);
}

/**
 * Rebuilds the sums of the hours in [from, to) (all hours by default) that gained exchanges
 * since their last rebuild: a listing of one day after a month was indexed rebuilds that day.
 */
export function refreshSessionHours(
  db: Database.Database,
  from = 0,
  to = Number.MAX_SAFE_INTEGER,
  progress?: (done: number, total: number) => void,
): void {
  const dirty = db.prepare('SELECT hour FROM dirty_hours WHERE hour >= ? AND hour < ?').pluck().all(from, to) as number[];
  if (dirty.length === 0) return;
  const clear = db.prepare('DELETE FROM session_hours WHERE hour = ?');
  // With min() alone in a query, SQLite takes its other bare columns from the row holding the
  // minimum: the identity and preview of the session's first exchange in the hour.
  const sum = db.prepare(
    `WITH h AS MATERIALIZED (
       SELECT session, start, input, output, nfindings, outcome, model, connection, subject, email, issuer, preview
       FROM exchanges WHERE start >= @hour AND start < @hour + ${HOUR}
     ),
     s AS (SELECT session, max(start) AS last, count(*) AS exchanges, sum(input) AS input, sum(output) AS output, sum(nfindings) AS nfindings,
                  group_concat(outcome) AS outcomes, group_concat(DISTINCT model) AS models, group_concat(DISTINCT connection) AS connections
           FROM h GROUP BY session),
     i AS (SELECT session, min(start) AS first, subject, email, issuer, preview FROM h GROUP BY session)
     INSERT INTO session_hours
     SELECT @hour, session, i.first, s.last, s.exchanges, s.input, s.output, s.nfindings, s.outcomes, s.models, s.connections,
            i.subject, i.email, i.issuer, i.preview
     FROM s JOIN i USING (session)`,
  );
  const done = db.prepare('DELETE FROM dirty_hours WHERE hour = ?');
  // A day of hours a transaction: a whole store's in one held every changed page in memory.
  for (let i = 0; i < dirty.length; i += 24) {
    db.transaction(() => {
      for (const hour of dirty.slice(i, i + 24)) {
        clear.run(hour);
        sum.run({ hour });
        done.run(hour);
      }
    })();
    progress?.(Math.min(i + 24, dirty.length), dirty.length);
  }
}

/** Whether a filter asks only for a time range, which the hourly sums can answer. */
function onlyTime(filter: ExchangeFilter): boolean {
  return Object.entries(filter).every(([key, value]) => value === undefined || key === 'since' || key === 'until');
}

/**
 * The session parts of a time range from the hourly sums: whole hours from the sums, the
 * partial hours at either end from their exchanges. Undefined when the filter asks for more
 * than time, or the range holds no whole hour.
 */
export function hourlyParts(filter: ExchangeFilter): { sql: string; params: number[]; hours: [number, number] } | undefined {
  if (!onlyTime(filter)) return undefined;
  const since = filter.since ?? 0;
  const until = filter.until ?? Number.MAX_SAFE_INTEGER;
  const wholeFrom = Math.ceil(since / HOUR) * HOUR;
  // `until` is inclusive: an hour is whole when its last millisecond is in the range.
  const wholeTo = Math.floor((until + 1) / HOUR) * HOUR;
  if (wholeFrom >= wholeTo) return undefined;
  return {
    sql: `SELECT ${PART_COLUMNS} FROM session_hours WHERE hour >= ? AND hour < ?
          UNION ALL ${EXCHANGE_PARTS} WHERE start >= ? AND start < ?
          UNION ALL ${EXCHANGE_PARTS} WHERE start >= ? AND start <= ?`,
    params: [wholeFrom, wholeTo, since, wholeFrom, wholeTo, until],
    hours: [wholeFrom, wholeTo],
  };
}
