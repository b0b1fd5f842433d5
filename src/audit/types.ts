/**
 * What the audit layer answers, for its clients (the CLI and the viewer). Neither client reads
 * batch files itself: listing and filtering come from per-batch indexes (and a local cache of
 * them), and only the batches that hold the exchanges asked for are downloaded and parsed.
 */
import type { ExchangeRecord } from '../record/record.ts';

/** Every field optional; all given fields must match. Globs use * and ?. */
export interface ExchangeFilter {
  /** Epoch ms, inclusive: exchanges that started in [since, until]. */
  since?: number;
  until?: number;
  /** A glob matched against the subject or the email. */
  subject?: string;
  issuer?: string;
  /** The caller was in this group (glob). */
  group?: string;
  connection?: string;
  /** A glob over the model. */
  model?: string;
  outcome?: string;
  /** Exchanges with a redaction finding whose rule matches this glob ("*": any finding). */
  finding?: string;
  session?: string;
  exchange?: string;
  /**
   * Case-insensitive substring of a prompt or an answer. The index narrows by the other
   * filters first; then only the batches of the remaining exchanges are read and searched.
   */
  text?: string;
}

/** One exchange as the index knows it: enough to list, filter and sum without its body. */
export interface ExchangeSummary {
  id: string;
  session: string;
  parent: string | null;
  /** The store object that holds the record, and the record's position in it (0-based). */
  batch: string;
  line: number;
  instance: string;
  seq: number;
  subject: string | null;
  email: string | null;
  issuer: string | null;
  groups: string[];
  connection: string;
  model: string | null;
  /** Epoch ms. */
  start: number;
  ttfbMs: number | null;
  durationMs: number;
  inputTokens: number;
  outputTokens: number;
  outcome: string;
  /** Rule ids of the redaction findings, one per finding. */
  findings: string[];
  /** The start of the last user message, whitespace folded (at most 120 characters). */
  preview: string;
}

export interface SessionSummary {
  session: string;
  /** Subject or email of the session's first exchange. */
  who: string;
  subject: string | null;
  email: string | null;
  issuer: string | null;
  exchanges: number;
  /** Epoch ms of the first and last exchange start. */
  first: number;
  last: number;
  inputTokens: number;
  outputTokens: number;
  outcomes: Record<string, number>;
  models: string[];
  connections: string[];
  /** Number of redaction findings. */
  findings: number;
  /** The first exchange's preview. */
  preview: string;
}

export type SessionSort = 'last' | 'first' | 'exchanges' | 'tokens' | 'who';

export interface PageRequest {
  /** At most this many items (default 50, at most 1000). */
  limit?: number;
  /** The `next` of the previous page. */
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  /** Present when there are more items. */
  next?: string;
}

/** An exchange with its full record and what is needed to rebuild its request. */
export interface ExchangeView {
  summary: ExchangeSummary;
  record: ExchangeRecord;
  /** The exact request body the exchange forwarded, rebuilt from history deltas and definitions. */
  requestBody(): Promise<Uint8Array>;
}

export interface SessionView {
  summary: SessionSummary;
  /** In conversation order (the order the exchanges started): all, or the part asked for. */
  exchanges: ExchangeView[];
  /** The position of exchanges[0] in the whole session (0-based). */
  from: number;
  /** The exchange just before a part that does not start the session: context, not shown. */
  before?: ExchangeView;
}

/** A part of a long session: `limit` exchanges from position `from` (0-based). */
export interface SessionPart {
  from: number;
  limit: number;
}

/** Integrity of the batch files behind what is on screen, in plain words. */
export interface BatchIntegrity {
  batch: string;
  ok: boolean;
  /** Problems found with this file or its place in its writer's chain; empty when ok. */
  problems: string[];
}

export interface Progress {
  phase: 'list' | 'index' | 'sum' | 'read' | 'verify';
  done: number;
  total?: number;
}

export interface AuditReader {
  /** The store's URL, for messages. */
  readonly store: string;
  sessions(filter: ExchangeFilter, page?: PageRequest & { sort?: SessionSort; order?: 'asc' | 'desc' }): Promise<Page<SessionSummary>>;
  exchanges(filter: ExchangeFilter, page?: PageRequest): Promise<Page<ExchangeSummary>>;
  session(id: string, range?: { since?: number; until?: number }, part?: SessionPart): Promise<SessionView | undefined>;
  exchange(id: string): Promise<ExchangeView | undefined>;
  /** Checks the given batch files and their links to their neighbours in each writer's chain. */
  integrity(batches: readonly string[]): Promise<BatchIntegrity[]>;
  close(): Promise<void>;
}
