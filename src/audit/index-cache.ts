/**
 * The local cache of indexes already read (SQLite through better-sqlite3): the second question
 * about a store is answered from disk here instead of from the store. It is only an accelerator:
 * every row comes from an index object in the store, and deleting the file loses nothing.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { BatchIndex } from '../record/batch-index.ts';

const SCHEMA_VERSION = 3;

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
  outcome TEXT NOT NULL, findings TEXT NOT NULL, nfindings INTEGER NOT NULL, preview TEXT NOT NULL,
  PRIMARY KEY (start, id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX IF NOT EXISTS exchanges_id ON exchanges (id);
CREATE INDEX IF NOT EXISTS exchanges_session ON exchanges (session, start);
CREATE INDEX IF NOT EXISTS exchanges_subject ON exchanges (subject COLLATE NOCASE, start);
CREATE INDEX IF NOT EXISTS exchanges_email ON exchanges (email COLLATE NOCASE, start);
CREATE TABLE IF NOT EXISTS definitions (hash TEXT PRIMARY KEY, exchange TEXT NOT NULL);
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
  private readonly hasBatch: Database.Statement;

  /** Opens (or creates) the cache at `path`; ':memory:' keeps it for this process only. */
  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    // Bounded memory whatever the cache's size: SQLite pages in what a query needs.
    this.db.pragma('cache_size = -16000');
    this.db.pragma('temp_store = FILE');
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version !== 0 && version !== SCHEMA_VERSION) {
      this.db.exec('DROP TABLE IF EXISTS meta; DROP TABLE IF EXISTS batches; DROP TABLE IF EXISTS segments; DROP TABLE IF EXISTS hours; DROP TABLE IF EXISTS exchanges; DROP TABLE IF EXISTS definitions;');
    }
    this.db.exec(schema);
    this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
    this.insertBatch = this.db.prepare('INSERT OR REPLACE INTO batches VALUES (@name, @sha256, @instance, @seq, @records, @from_ms, @to_ms, @source)');
    this.insertExchange = this.db.prepare(
      `INSERT OR REPLACE INTO exchanges VALUES (@id, @session, @parent, @batch, @line, @instance, @seq, @hash, @subject, @email, @issuer,
        @groups, @connection, @model, @start, @ttfb, @duration, @input, @output, @outcome, @findings, @nfindings, @preview)`,
    );
    this.insertDefinition = this.db.prepare('INSERT OR IGNORE INTO definitions VALUES (?, ?)');
    this.hasBatch = this.db.prepare('SELECT 1 FROM batches WHERE name = ?').pluck();
  }

  /** The batch names the cache holds in [from, to). */
  batchesBetween(from: string, to: string): Set<string> {
    return new Set(this.db.prepare('SELECT name FROM batches WHERE name >= ? AND name < ?').pluck().all(from, to) as string[]);
  }

  knows(batch: string): boolean {
    return this.hasBatch.get(batch) !== undefined;
  }

  knowsSegment(name: string): boolean {
    return this.db.prepare('SELECT 1 FROM segments WHERE name = ?').pluck().get(name) !== undefined;
  }

  /** Stores the indexes of some batches (and the segment they came in), in one transaction. */
  ingest(indexes: readonly BatchIndex[], source: string, segment?: string): void {
    this.db.transaction(() => {
      for (const { header, entries } of indexes) {
        this.insertBatch.run({ name: header.batch, sha256: header.sha256, instance: header.instance, seq: header.seq, records: header.records, from_ms: header.from, to_ms: header.to, source });
        entries.forEach((e, line) => {
          this.insertExchange.run({
            id: e.id, session: e.s, parent: e.p, batch: header.batch, line, instance: header.instance, seq: e.seq, hash: e.h,
            subject: e.sub, email: e.em, issuer: e.iss, groups: JSON.stringify(e.g), connection: e.c, model: e.m,
            start: e.t, ttfb: e.f, duration: e.d, input: e.in, output: e.out, outcome: e.x,
            findings: JSON.stringify(e.r), nfindings: e.r.length, preview: e.q,
          });
          for (const hash of e.defs) this.insertDefinition.run(hash, e.id);
        });
      }
      if (segment) this.db.prepare('INSERT OR IGNORE INTO segments VALUES (?)').run(segment);
    })();
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
