/**
 * Text search in prompts and answers. The index holds no text, so the other filters narrow the
 * exchanges first; then only the batches holding the remaining exchanges are read (in parallel,
 * each once) and the strings each record stores are searched. It scales with the bytes of
 * those batches: narrow by time and person first on a large store.
 */
import type Database from 'better-sqlite3';
import { decodeBatch } from '../record/batch-file.ts';
import type { ExchangeRecord } from '../record/record.ts';
import { readAhead } from '../store/parallel-reads.ts';
import type { Sink } from '../store/sink.ts';
import { describeStoreError } from '../store/store-errors.ts';
import { filterCondition } from './filter-sql.ts';
import type { ExchangeFilter, Progress } from './types.ts';

function containsText(value: unknown, needle: string): boolean {
  if (typeof value === 'string') return value.toLowerCase().includes(needle);
  if (Array.isArray(value)) return value.some((v) => containsText(v, needle));
  if (value && typeof value === 'object') return Object.values(value).some((v) => containsText(v, needle));
  return false;
}

/** Whether the record's own prompt messages (its new ones, for a delta), system or answer contain the text. */
export function recordContains(record: ExchangeRecord, needle: string): boolean {
  const body = record.request.body;
  const prompt = body.form === 'json' ? [body.json, body.history?.append ?? []] : body.form === 'text' ? body.text : '';
  return containsText(prompt, needle) || containsText(record.response?.message?.content ?? [], needle) || containsText(record.defs ?? {}, needle);
}

/**
 * Fills the temporary table `table` with the ids of exchanges that match `filter` (text
 * aside) and contain `text`.
 */
export async function searchText(
  db: Database.Database,
  sink: Sink,
  filter: ExchangeFilter,
  text: string,
  options: { table: string; concurrency: number; progress?: (p: Progress) => void },
): Promise<void> {
  const needle = text.toLowerCase();
  // Text without quotes, backslashes or control characters appears in a JSON line as it is:
  // a line that lacks it cannot match, and is not parsed.
  const verbatim = !/["\\\u0000-\u001f]/.test(needle);
  db.exec(`CREATE TEMP TABLE IF NOT EXISTS ${options.table} (id TEXT PRIMARY KEY); DELETE FROM ${options.table};`);
  const insert = db.prepare(`INSERT OR IGNORE INTO ${options.table} VALUES (?)`);
  const { where, params } = filterCondition({ ...filter, text: undefined });
  const batches = db.prepare(`SELECT DISTINCT batch FROM exchanges WHERE ${where} ORDER BY batch`).pluck().all(...params) as string[];
  const linesOf = db.prepare(`SELECT id, line FROM exchanges WHERE batch = ? AND ${where}`);
  const read = async (batch: string) => {
    try {
      return { batch, lines: (await decodeBatch(await sink.read(batch))).lines };
    } catch (error) {
      throw describeStoreError(error, sink.url);
    }
  };
  let done = 0;
  for await (const { batch, lines } of readAhead(batches, options.concurrency, read)) {
    const matches: string[] = [];
    for (const { id, line } of linesOf.all(batch, ...params) as { id: string; line: number }[]) {
      const text = lines[line];
      if (text === undefined || (verbatim && !text.toLowerCase().includes(needle))) continue;
      if (recordContains(JSON.parse(text) as ExchangeRecord, needle)) matches.push(id);
    }
    db.transaction(() => matches.forEach((id) => insert.run(id)))();
    options.progress?.({ phase: 'read', done: ++done, total: batches.length });
  }
}
