/**
 * What the in-flight journal holds of an exchange, and how it becomes a capture again. The
 * journal gets the start (request as forwarded, already masked), the response head and the
 * chunks as the client received them, and the end once there is one (an exchange served but
 * not yet recorded at shutdown); findings without their originals, which must not reach disk.
 */
import type { RedactionFinding } from '../mask/finding.ts';
import type { ExchangeCapture } from './exchange-capture.ts';
import type { ExchangeStart, Outcome } from './recorder.ts';
import type { TimedChunk } from './sse-assembler.ts';
import { fromBase64, toBase64 } from './base64.ts';

/** How much of a capture is already in its journal. */
export interface JournalProgress {
  started: boolean;
  response: boolean;
  chunks: number;
  ended?: boolean;
}

/** A finding read back from a journal: its original's hash, never the original. */
/** A finding saved without its original (which never reaches disk unsealed): its keyed digest, if any. */
export type RecoveredFinding = RedactionFinding & { digest: string };

/** What a journal gives back: the capture as far as it got, and its end if it had one. */
export interface JournaledCapture {
  start: ExchangeStart;
  status?: number;
  responseMs?: number;
  headers?: Headers;
  chunks: TimedChunk[];
  end?: { outcome: Outcome; detail?: string; ms: number; findings: RecoveredFinding[] };
}

/** The journal lines that bring the journal up to date with the capture. */
export function journalLines(capture: ExchangeCapture, progress: JournalProgress, findingHashes: readonly string[] = []): string[] {
  const lines: string[] = [];
  if (!progress.started) {
    const { request, ...rest } = capture.start;
    lines.push(JSON.stringify({ start: { ...rest, request: { ...request, body: toBase64(request.body) } } }));
    progress.started = true;
  }
  if (!progress.response && capture.status !== undefined) {
    lines.push(JSON.stringify({ response: { status: capture.status, ms: capture.responseMs, headers: [...(capture.headers ?? [])] } }));
    progress.response = true;
  }
  const fresh = capture.chunks.slice(progress.chunks);
  if (fresh.length > 0) {
    lines.push(JSON.stringify({ chunks: fresh.map((c) => [c.ms, toBase64(c.bytes)]) }));
    progress.chunks += fresh.length;
  }
  if (!progress.ended && capture.outcome !== undefined) {
    // The originals stay behind: the record built from this journal says what was redacted, not what it was.
    const findings = capture.findings.map(({ original: _original, ...rest }, i) => ({ ...rest, original: '', digest: findingHashes[i] ?? '' }));
    lines.push(JSON.stringify({ end: { outcome: capture.outcome, detail: capture.detail, ms: capture.endMs, findings } }));
    progress.ended = true;
  }
  return lines;
}

/** Reads a journal back; undefined when it never got as far as the start. */
export function readJournal(lines: readonly string[]): JournaledCapture | undefined {
  let start: ExchangeStart | undefined;
  let status: number | undefined;
  let responseMs: number | undefined;
  let headers: Headers | undefined;
  const chunks: TimedChunk[] = [];
  let end: JournaledCapture['end'];
  for (const line of lines) {
    let entry: Record<string, unknown>;
    try {
      entry = JSON.parse(line) as Record<string, unknown>;
    } catch {
      break; // A line cut short by the crash ends the journal.
    }
    if (entry.start) {
      const saved = entry.start as ExchangeStart & { request: { body: string } };
      start = { ...saved, request: { ...saved.request, body: fromBase64(saved.request.body) } };
    } else if (entry.response) {
      const response = entry.response as { status: number; ms?: number; headers: [string, string][] };
      status = response.status;
      responseMs = response.ms;
      headers = new Headers(response.headers);
    } else if (Array.isArray(entry.chunks)) {
      for (const [ms, data] of entry.chunks as [number, string][]) chunks.push({ ms, bytes: fromBase64(data) });
    } else if (entry.end) {
      end = entry.end as NonNullable<JournaledCapture['end']>;
    }
  }
  if (!start) return undefined;
  return { start, ...(status !== undefined ? { status } : {}), ...(responseMs !== undefined ? { responseMs } : {}), ...(headers ? { headers } : {}), chunks, ...(end ? { end } : {}) };
}

/**
 * What the start journal keeps of an exchange the moment it begins: who, when, which
 * connection and upstream, which endpoint. Never the body or headers.
 */
export function startFacts(start: ExchangeStart): { id: string } & Record<string, unknown> {
  return {
    id: start.id,
    startedAt: start.startedAt,
    ...(start.identity ? { identity: start.identity } : {}),
    ...(start.grant ? { grant: start.grant } : {}),
    connection: start.connection,
    upstream: start.upstream,
    method: start.request.method,
    path: start.request.path,
  };
}

/** An exchange start rebuilt from its start-journal facts: the request itself was never journaled. */
export function startFromFacts(facts: Record<string, unknown>): ExchangeStart {
  const { id, startedAt, identity, grant, connection, upstream, method, path } = facts as unknown as ReturnType<typeof startFacts> & ExchangeStart & { method: string; path: string };
  return {
    id,
    startedAt,
    ...(identity ? { identity } : {}),
    ...(grant ? { grant } : {}),
    connection,
    upstream,
    request: { method, path, query: '', headers: {}, body: new Uint8Array(0) },
  };
}
