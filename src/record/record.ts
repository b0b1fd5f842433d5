/**
 * The exchange record: one JSON line per request/response pair. docs/record-format.md explains
 * every field and docs/record.schema.json is its JSON Schema; keep all three in step and bump
 * RECORD_VERSION on any change a reader must know about.
 */
import type { Outcome } from './recorder.ts';

export const RECORD_VERSION = 1;

/** A JSON Patch-like edit of the inherited history, path relative to the messages array. */
export interface HistoryEdit {
  path: (string | number)[];
  /** The new value; absent when `remove` is set. */
  value?: unknown;
  remove?: true;
}

/**
 * How a request's messages extend its parent: take the parent's conversation (its messages
 * plus its answer as an assistant message), keep the first `keep`, apply `edits`, append `append`.
 */
export interface HistoryDelta {
  parent: string;
  keep: number;
  edits: HistoryEdit[];
  append: unknown[];
}

export type RecordedBody =
  | { form: 'empty' }
  | {
      form: 'json';
      sha256: string;
      bytes: number;
      /** The body with `messages` and any field named in `refs` set to null, key order kept. */
      json: Record<string, unknown>;
      /** Fields stored once per writer and referenced by hash (system, tools). */
      refs?: Record<string, string>;
      /** Present when `messages` is stored as a delta of the parent exchange. */
      history?: HistoryDelta;
    }
  | { form: 'text'; sha256: string; bytes: number; text: string }
  | { form: 'base64'; sha256: string; bytes: number; base64: string };

/**
 * A compact stream event. Deltas: [ms, 'd'|'s', block, length]. Events rebuilt from the
 * assembled message: [ms, 'm', initialUsage] message_start, [ms, 'b', block]
 * content_block_start, [ms, 'x', block] content_block_stop, [ms, 'p'] ping, [ms, 'z']
 * message_stop. Anything else as received: [ms, 'e', event, data].
 */
export type TimelineEntry =
  | [ms: number, kind: 'd' | 's', block: number, length: number]
  | [ms: number, kind: 'm', usage: unknown]
  | [ms: number, kind: 'b' | 'x', block: number]
  | [ms: number, kind: 'p' | 'z']
  | [ms: number, kind: 'e', event: string, data: unknown];

export type RecordedStream =
  | {
      /** Rebuilt byte-exact from `events` and the assembled message (checked when recorded). */
      form: 'events';
      events: TimelineEntry[];
      /** Raw streamed tool input JSON per block, only where it differs from JSON.stringify(input). */
      inputJson?: Record<string, string>;
    }
  | {
      /** The SSE text verbatim, with the arrival time and byte length of every chunk. */
      form: 'raw';
      sse: string;
      chunks: [ms: number, bytes: number][];
    };

export interface AssembledMessage {
  id?: string;
  type?: string;
  role?: string;
  model?: string;
  content: Record<string, unknown>[];
  stop_reason?: string | null;
  stop_sequence?: string | null;
  usage?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface RecordedResponse {
  status: number;
  headers: Record<string, string>;
  /** The final message, from the SSE copy or the JSON body; null when there was none. */
  message: AssembledMessage | null;
  stream?: RecordedStream;
  /** A non-SSE body (JSON errors, non-streaming messages). */
  body?: RecordedBody;
  /** An `error` event received mid-stream. */
  error?: unknown;
}

export interface RecordedFinding {
  rule: string;
  where: 'response' | 'request';
  block?: number;
  start: number;
  end: number;
  /** 'noted': seen in a thinking block, which passes byte-exact, so recorded but not changed. */
  kind?: 'noted';
  /** In tool input or request JSON: which string of the JSON text the offsets are in. */
  string?: number;
  /** For request findings: where in the request body, e.g. "messages[4].content[1].content". */
  path?: string;
  /** The hold-back cap forced the decision; the span covers what had arrived by then. */
  truncated?: true;
  /** HMAC-SHA-256 of the original under the deployment's digest key `dk` (lower-case hex). */
  hmac?: string;
  dk?: string;
  /** Records written before keyed digests: plain SHA-256 of the original. */
  sha256?: string;
  /** Compact JWE of the original; absent when no seal key is configured. */
  sealed?: string;
  kid?: string;
}

export interface ExchangeRecord {
  v: typeof RECORD_VERSION;
  id: string;
  /** The writer's integrity chain: its instance id, position, and the previous line's SHA-256. */
  chain: { instance: string; seq: number; prev: string | null };
  session: { id: string; source: 'header' | 'metadata' | 'inferred' | 'new' };
  parent: string | null;
  identity: {
    issuer: string;
    subject: string;
    email?: string;
    groups: string[];
    claims: Record<string, unknown>;
  } | null;
  grant: { rule: string; maxTokensCap?: number } | null;
  connection: string;
  upstream: string;
  time: { start: string; startMs: number; ttfbMs: number | null; durationMs: number };
  request: {
    method: string;
    path: string;
    query: string;
    headers: Record<string, string>;
    body: RecordedBody;
  };
  response: RecordedResponse | null;
  usage: Record<string, unknown> | null;
  outcome: { status: Outcome; detail?: string };
  findings: RecordedFinding[];
  /** Values this record introduces for the writer (system prompts, tool lists), by SHA-256. */
  defs?: Record<string, unknown>;
}
