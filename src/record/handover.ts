/**
 * How an ended exchange crosses to the record worker, at the least cost to the gateway's
 * thread (measured: bench/recording-thread.bench.ts). The gateway's thread keeps the capture
 * (to rebuild it if the worker dies, or to journal it at shutdown), so nothing of it is
 * transferred away:
 * - the request body, when it is an array of its own (as read from the request), is cloned by
 *   postMessage: a memcpy into the message, about 7 µs for 150 KB. A body that is a view into
 *   a larger buffer is copied first: cloning a view copies its whole underlying buffer.
 * - the response chunks, often views into pooled 8 KB slabs, are packed into one fresh buffer,
 *   which is transferred.
 * A fresh ArrayBuffer of the body's size, by contrast, costs about 30 µs to allocate and fill
 * (the kernel maps and zeroes new pages).
 */
import type { RedactionFinding } from '../mask/finding.ts';
import type { CapturedExchange } from './exchange-capture.ts';
import type { ExchangeStart, Outcome } from './recorder.ts';
import type { TimedChunk } from './sse-assembler.ts';

/** An ended exchange as posted to the worker: plain data, the body, and one transferable buffer. */
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
  body: Uint8Array;
  /** Every chunk, back to back. */
  chunkBytes: ArrayBuffer;
  /** Each chunk's time and length, in order. */
  chunkMs: number[];
  chunkLengths: number[];
}

const ownsItsBuffer = (bytes: Uint8Array): boolean =>
  bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && !(typeof SharedArrayBuffer === 'function' && bytes.buffer instanceof SharedArrayBuffer);

export function handOver(capture: CapturedExchange): { handed: HandedCapture; transfer: ArrayBuffer[] } {
  const { request, ...start } = capture.start;
  const { body: requestBody, ...rest } = request;
  const transfer: ArrayBuffer[] = [];
  let body = requestBody;
  if (!ownsItsBuffer(body)) {
    // Uint8Array's slice copies; a Buffer's own slice() would be another view.
    body = Uint8Array.prototype.slice.call(body);
    transfer.push(body.buffer as ArrayBuffer);
  }
  let total = 0;
  for (const chunk of capture.chunks) total += chunk.bytes.byteLength;
  const packed = new Uint8Array(total);
  let offset = 0;
  const chunkMs: number[] = [];
  const chunkLengths: number[] = [];
  for (const chunk of capture.chunks) {
    packed.set(chunk.bytes, offset);
    offset += chunk.bytes.byteLength;
    chunkMs.push(chunk.ms);
    chunkLengths.push(chunk.bytes.byteLength);
  }
  transfer.push(packed.buffer);
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
    body,
    chunkBytes: packed.buffer,
    chunkMs,
    chunkLengths,
  };
  return { handed, transfer };
}

/** The worker's side: the same exchange, its chunks as views of the one buffer. */
export function takeOver(handed: HandedCapture): CapturedExchange {
  const chunks: TimedChunk[] = [];
  let offset = 0;
  handed.chunkLengths.forEach((length, i) => {
    chunks.push({ ms: handed.chunkMs[i] ?? 0, bytes: new Uint8Array(handed.chunkBytes, offset, length) });
    offset += length;
  });
  return {
    start: { ...handed.start, request: { ...handed.start.request, body: handed.body } },
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
