/**
 * The per-batch index: one small gzip NDJSON file beside every batch file, written create-only
 * like the batch, with one line per exchange carrying what auditors list and filter by (who,
 * when, connection, model, tokens, outcome, finding rules) and where its record lies. Readers
 * list and filter from indexes alone and download a batch only for the exchanges they show.
 * The first line names the batch file and its SHA-256, so an index can be checked against it.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import type { ExchangeRecord } from './record.ts';

export const INDEX_VERSION = 1;

export interface BatchIndexHeader {
  index: typeof INDEX_VERSION;
  batch: string;
  /** SHA-256 of the batch file's bytes. */
  sha256: string;
  instance: string;
  seq: number;
  records: number;
  /** Earliest and latest record start, epoch ms. */
  from: number;
  to: number;
}

/** One exchange in an index. Short keys: indexes of a busy month hold millions of these. */
export interface IndexEntry {
  id: string;
  /** Session id. */
  s: string;
  /** Parent exchange. */
  p: string | null;
  /** Chain position and SHA-256 of the record's line. */
  seq: number;
  h: string;
  sub: string | null;
  em: string | null;
  iss: string | null;
  g: string[];
  c: string;
  m: string | null;
  /** Start (epoch ms), time to first byte and duration (ms). */
  t: number;
  f: number | null;
  d: number;
  /** Input and output tokens. */
  in: number;
  out: number;
  /** Outcome. */
  x: string;
  /** Rule of each redaction finding. */
  r: string[];
  /** Definitions (system prompts, tool lists) this record stores, by SHA-256. */
  defs: string[];
  /** The start of the last user message. */
  q: string;
}

const PREVIEW_CHARS = 120;

function textOf(content: unknown): string {
  if (typeof content === 'string') return content.slice(0, PREVIEW_CHARS * 2);
  if (!Array.isArray(content)) return '';
  let text = '';
  for (const block of content as { type?: string; text?: unknown; content?: unknown }[]) {
    if (text.length > PREVIEW_CHARS * 2) break;
    if (typeof block?.text === 'string') text += ` ${block.text.slice(0, PREVIEW_CHARS * 2)}`;
    else if (block?.type === 'tool_result') text += ` [tool result] ${textOf(block.content)}`;
    else if (block?.type) text += ` [${block.type}]`;
  }
  return text;
}

/** The start of the last user message the record stores (its own new messages, for a delta). */
export function previewOf(record: Pick<ExchangeRecord, 'request'>): string {
  const body = record.request.body;
  if (body.form !== 'json') return '';
  const messages = body.history ? body.history.append : body.json.messages;
  if (!Array.isArray(messages)) return '';
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i] as { role?: string; content?: unknown } | null;
    if (message?.role === 'user') return textOf(message.content).replace(/\s+/g, ' ').trim().slice(0, PREVIEW_CHARS);
  }
  return '';
}

const tokens = (usage: Record<string, unknown> | null, field: string) => (typeof usage?.[field] === 'number' ? (usage[field] as number) : 0);

function modelOf(record: Omit<ExchangeRecord, 'chain'>): string | null {
  const answered = record.response?.message?.model;
  if (typeof answered === 'string') return answered;
  const body = record.request.body;
  if (body.form === 'json' && typeof body.json.model === 'string') return body.json.model;
  // Vertex-format calls name the model in the path; audit lines keep no body.
  return record.model ?? null;
}

/** The index line of a record (chained or about to be, at `seq` with line hash `hash`). */
export function indexEntryOf(record: Omit<ExchangeRecord, 'chain'>, seq: number, hash: string): IndexEntry {
  const usage = record.usage;
  return {
    id: record.id,
    s: record.session.id,
    p: record.parent,
    seq,
    h: hash,
    sub: record.identity?.subject ?? null,
    em: record.identity?.email ?? null,
    iss: record.identity?.issuer ?? null,
    g: record.identity?.groups ?? [],
    c: record.connection,
    m: modelOf(record),
    t: record.time.startMs,
    f: record.time.ttfbMs,
    d: record.time.durationMs,
    in: tokens(usage, 'input_tokens') + tokens(usage, 'cache_read_input_tokens') + tokens(usage, 'cache_creation_input_tokens'),
    out: tokens(usage, 'output_tokens'),
    x: record.outcome.status,
    r: record.findings.map((f) => f.rule),
    defs: Object.keys(record.defs ?? {}),
    q: previewOf(record),
  };
}

/** The index text (uncompressed): header line, then one line per entry. */
export function batchIndexText(header: BatchIndexHeader, entries: readonly IndexEntry[]): string {
  let text = `${JSON.stringify(header)}\n`;
  for (const entry of entries) text += `${JSON.stringify(entry)}\n`;
  return text;
}

export function encodeBatchIndex(header: BatchIndexHeader, entries: readonly IndexEntry[]): Uint8Array {
  return gzipSync(batchIndexText(header, entries));
}

export interface BatchIndex {
  header: BatchIndexHeader;
  entries: IndexEntry[];
}

/**
 * Parses index text holding one or more batch indexes one after another (a segment is the
 * concatenation of the indexes of a run of batches). Throws on anything malformed.
 */
export function parseIndexText(text: string): BatchIndex[] {
  const out: BatchIndex[] = [];
  let current: BatchIndex | undefined;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const value = JSON.parse(line) as Partial<BatchIndexHeader> & Partial<IndexEntry>;
    if (value.index === INDEX_VERSION && typeof value.batch === 'string') {
      current = { header: value as BatchIndexHeader, entries: [] };
      out.push(current);
    } else if (current && typeof value.id === 'string') {
      current.entries.push(value as IndexEntry);
    } else {
      throw new Error('not a Scribe index');
    }
  }
  for (const { header, entries } of out) {
    if (entries.length !== header.records) throw new Error(`index of ${header.batch} lists ${entries.length} of ${header.records} records`);
  }
  return out;
}

/** The header of an index from its first line alone (UTF-8 bytes), or undefined when that line is not one. */
export function parseIndexHeader(text: Uint8Array): BatchIndexHeader | undefined {
  const end = text.indexOf(10);
  const value = JSON.parse(new TextDecoder().decode(end < 0 ? text : text.subarray(0, end))) as Partial<BatchIndexHeader> | null;
  return value?.index === INDEX_VERSION && typeof value.batch === 'string' ? (value as BatchIndexHeader) : undefined;
}

export function decodeIndex(bytes: Uint8Array): BatchIndex[] {
  return parseIndexText(gunzipSync(bytes, { chunkSize: outputSizeHint(bytes) }).toString('utf8'));
}

/**
 * The size gzip's trailer gives for the data (modulo 4 GiB), bounded: inflating into one buffer
 * of that size spares joining many small ones, a tenth of reading a day's index segments.
 */
function outputSizeHint(bytes: Uint8Array): number {
  if (bytes.length < 18) return 16 * 1024;
  const size = new DataView(bytes.buffer, bytes.byteOffset + bytes.length - 4, 4).getUint32(0, true);
  return Math.min(64 * 1024 * 1024, Math.max(16 * 1024, size + 1));
}
