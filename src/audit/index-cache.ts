/**
 * The local cache of indexes already read (SQLite through better-sqlite3): the second question
 * about a store is answered from disk here instead of from the store. It is only an accelerator:
 * every row comes from an index object in the store, and deleting the file loses nothing.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { BatchIndex } from '../record/batch-index.ts';
import { SESSION_HOURS_SCHEMA, markHoursDirty, refreshSessionHours } from './session-hours.ts';

// Exchanges are a rowid table: rows arrive roughly in time order and are appended, where a table
// clustered by start time split pages on inserts and carried its key in every index entry.
const SCHEMA_VERSION = 6;
const HOUR = 3_600_000;
const TABLES = ['meta', 'batches', 'segments', 'hours', 'exchanges', 'definitions', 'session_hours', 'dirty_hours'];

const schema = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS batches (
  name TEXT PRIMARY KEY, sha256 TEXT NOT NULL, instance TEXT NOT NULL, seq INTEGER NOT NULL,
  records INTEGER NOT NULL, from_ms INTEGER NOT NULL, to_ms INTEGER NOT NULL, source TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS segments (name TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS hours (hour TEXT PRIMARY KEY, settled INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS exchanges (
  id TEXT NOT NULL, session TEXT NOT NULL, parent TEXT, batch TEXT NOT NULL, line INTEGER NOT NULL,
  instance TEXT NOT NULL, seq INTEGER NOT NULL, hash TEXT NOT NULL,
  subject TEXT, email TEXT, issuer TEXT, groups TEXT NOT NULL, connection TEXT NOT NULL, model TEXT,
  start INTEGER NOT NULL, ttfb INTEGER, duration INTEGER NOT NULL, input INTEGER NOT NULL, output INTEGER NOT NULL,
  outcome TEXT NOT NULL, findings TEXT NOT NULL, nfindings INTEGER NOT NULL, preview TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS exchanges_start ON exchanges (start);
CREATE UNIQUE INDEX IF NOT EXISTS exchanges_id ON exchanges (id);
CREATE INDEX IF NOT EXISTS exchanges_session ON exchanges (session, start);
CREATE INDEX IF NOT EXISTS exchanges_subject ON exchanges (subject COLLATE NOCASE, start);
CREATE INDEX IF NOT EXISTS exchanges_email ON exchanges (email COLLATE NOCASE, start);
CREATE TABLE IF NOT EXISTS definitions (hash TEXT PRIMARY KEY, exchange TEXT NOT NULL);
${SESSION_HOURS_SCHEMA}
`;

export interface CachedBatch {
  name: string;
  sha256: string;
  instance: string;
  seq: number;
  records: number;
  from_ms: number;
  to_ms: number;
  source: string;
}

export class IndexCache {
  readonly db: Database.Database;
  private readonly insertBatch: Database.Statement;
  private readonly insertExchange: Database.Statement;
  private readonly insertDefinition: Database.Statement;

  /** Opens (or creates) the cache at `path`; ':memory:' keeps it for this process only. */
  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = openDatabase(path);
    this.insertBatch = this.db.prepare('INSERT OR REPLACE INTO batches VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    // Positional parameters: building and binding an object of 23 named values per exchange cost
    // about a tenth of the ingest.
    this.insertExchange = this.db.prepare(`INSERT OR REPLACE INTO exchanges VALUES (${Array(23).fill('?').join(', ')})`);
    this.insertDefinition = this.db.prepare('INSERT OR IGNORE INTO definitions VALUES (?, ?)');
  }

  /** The batch names the cache holds in [from, to). */
  batchesBetween(from: string, to: string): Set<string> {
    return new Set(this.db.prepare('SELECT name FROM batches WHERE name >= ? AND name < ?').pluck().all(from, to) as string[]);
  }

  knowsSegment(name: string): boolean {
    return this.db.prepare('SELECT 1 FROM segments WHERE name = ?').pluck().get(name) !== undefined;
  }

  /** Stores the indexes of some batches (and the segments they came in), in one transaction. */
  ingest(indexes: readonly BatchIndex[], source: string, segments: readonly string[] = []): void {
    this.db.transaction(() => {
      const hours = new Set<number>();
      for (const { header, entries } of indexes) {
        this.insertBatch.run(header.batch, header.sha256, header.instance, header.seq, header.records, header.from, header.to, source);
        for (let line = 0; line < entries.length; line++) {
          const e = entries[line]!;
          this.insertExchange.run(
            e.id, e.s, e.p, header.batch, line, header.instance, e.seq, e.h, e.sub, e.em, e.iss, JSON.stringify(e.g), e.c, e.m,
            e.t, e.f, e.d, e.in, e.out, e.x, JSON.stringify(e.r), e.r.length, e.q,
          );
          hours.add(e.t - (e.t % HOUR));
          for (const hash of e.defs) this.insertDefinition.run(hash, e.id);
        }
      }
      markHoursDirty(this.db, hours);
      const insertSegment = this.db.prepare('INSERT OR IGNORE INTO segments VALUES (?)');
      for (const segment of segments) insertSegment.run(segment);
    })();
  }

  /** Brings the per-session sums of the hours in [from, to) up to date (all hours by default). */
  refreshSessionHours(range: { from?: number; to?: number } = {}, progress?: (done: number, total: number) => void): void {
    refreshSessionHours(this.db, range.from, range.to, progress);
  }

  /**
   * Runs `work`, whose ingests are committed together every `entries` exchanges rather than one
   * transaction each (which rewrote the same index pages every time). Whatever was ingested is
   * kept if `work` fails.
   */
  async inBulk<T>(entries: number, work: (ingest: IndexCache['ingest']) => Promise<T>): Promise<T> {
    let pending = 0;
    this.db.exec('BEGIN');
    try {
      return await work((indexes, source, segments) => {
        this.ingest(indexes, source, segments);
        for (const index of indexes) pending += index.entries.length;
        if (pending >= entries) {
          this.db.exec('COMMIT; BEGIN');
          pending = 0;
        }
      });
    } finally {
      if (this.db.inTransaction) this.db.exec('COMMIT');
    }
  }

  settledHours(): Set<string> {
    return new Set(this.db.prepare('SELECT hour FROM hours WHERE settled = 1').pluck().all() as string[]);
  }

  markSettled(hours: readonly string[]): void {
    const insert = this.db.prepare('INSERT OR REPLACE INTO hours VALUES (?, 1)');
    this.db.transaction(() => hours.forEach((h) => insert.run(h)))();
  }

  meta(key: string): string | undefined {
    return this.db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get(key) as string | undefined;
  }

  setMeta(key: string, value: string): void {
    this.db.prepare('INSERT OR REPLACE INTO meta VALUES (?, ?)').run(key, value);
  }

  batch(name: string): CachedBatch | undefined {
    return this.db.prepare('SELECT * FROM batches WHERE name = ?').get(name) as CachedBatch | undefined;
  }

  definedBy(hash: string): string | undefined {
    return this.db.prepare('SELECT exchange FROM definitions WHERE hash = ?').pluck().get(hash) as string | undefined;
  }

  close(): void {
    this.db.close();
  }
}

/**
 * The cache's connection. Writes are not synced to disk: the cache is only an accelerator, and a
 * file left damaged by a power cut is recognised here and started afresh from the store.
 */
function openDatabase(path: string): Database.Database {
  try {
    return prepare(new Database(path));
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (path === ':memory:' || (code !== 'SQLITE_CORRUPT' && code !== 'SQLITE_NOTADB')) throw error;
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
    return prepare(new Database(path));
  }
}

function prepare(db: Database.Database): Database.Database {
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = OFF');
    // Bounded memory whatever the cache's size: SQLite pages in what a query needs.
    db.pragma('cache_size = -16000');
    db.pragma('temp_store = FILE');
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version !== 0 && version !== SCHEMA_VERSION) db.exec(TABLES.map((t) => `DROP TABLE IF EXISTS ${t};`).join(' '));
    db.exec(schema);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}
