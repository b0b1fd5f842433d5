/**
 * How an ended exchange crosses to the record worker. Its bytes (the request body and every
 * response chunk) are copied once into one fresh ArrayBuffer, which is then transferred, not
 * cloned. Cloning the views themselves would copy each view's whole underlying buffer: a
 * pooled Buffer's 8 KB slab for a chunk of 100 bytes. Transferring the views is not possible
 * either: the gateway's thread keeps the capture (to rebuild it if the worker dies, or to
 * journal it at shutdown), and pooled buffers are not ours to give away.
 */
import type { RedactionFinding } from '../mask/finding.ts';
import type { CapturedExchange } from './exchange-capture.ts';
import type { ExchangeStart, Outcome } from './recorder.ts';
import type { TimedChunk } from './sse-assembler.ts';

/** An ended exchange as posted to the worker: plain data and one transferable buffer. */
export interface HandedCapture {
  start: Omit<ExchangeStart, 'request'> & { request: Omit<ExchangeStart['request'], 'body'> };
  status: number | undefined;
  headers: [string, string][] | undefined;
  responseMs: number | undefined;
  outcome: Outcome | undefined;
  detail: string | undefined;
  counted: Record<string, number> | undefined;
  endMs: number;
  findings: RedactionFinding[];
  /** The request body, then each chunk, back to back. */
  bytes: ArrayBuffer;
  bodyLength: number;
  /** Each chunk's time and length, in order. */
  chunkMs: number[];
  chunkLengths: number[];
}

export function handOver(capture: CapturedExchange): { handed: HandedCapture; transfer: ArrayBuffer[] } {
  const { request, ...start } = capture.start;
  const { body, ...rest } = request;
  let total = body.byteLength;
  for (const chunk of capture.chunks) total += chunk.bytes.byteLength;
  const bytes = new Uint8Array(total);
  bytes.set(body, 0);
  let offset = body.byteLength;
  const chunkMs: number[] = [];
  const chunkLengths: number[] = [];
  for (const chunk of capture.chunks) {
    bytes.set(chunk.bytes, offset);
    offset += chunk.bytes.byteLength;
    chunkMs.push(chunk.ms);
    chunkLengths.push(chunk.bytes.byteLength);
  }
  const handed: HandedCapture = {
    start: { ...start, request: rest },
    status: capture.status,
    headers: capture.headers ? [...capture.headers] : undefined,
    responseMs: capture.responseMs,
    outcome: capture.outcome,
    detail: capture.detail,
    counted: capture.counted,
    endMs: capture.endMs,
    findings: [...capture.findings],
    bytes: bytes.buffer,
    bodyLength: body.byteLength,
    chunkMs,
    chunkLengths,
  };
  return { handed, transfer: [bytes.buffer] };
}

/** The worker's side: the same exchange, its body and chunks as views of the one buffer. */
export function takeOver(handed: HandedCapture): CapturedExchange {
  const chunks: TimedChunk[] = [];
  let offset = handed.bodyLength;
  handed.chunkLengths.forEach((length, i) => {
    chunks.push({ ms: handed.chunkMs[i] ?? 0, bytes: new Uint8Array(handed.bytes, offset, length) });
    offset += length;
  });
  return {
    start: { ...handed.start, request: { ...handed.start.request, body: new Uint8Array(handed.bytes, 0, handed.bodyLength) } },
    chunks,
    findings: handed.findings,
    status: handed.status,
    headers: handed.headers,
    responseMs: handed.responseMs,
    outcome: handed.outcome,
    detail: handed.detail,
    counted: handed.counted,
    endMs: handed.endMs,
  };
}
