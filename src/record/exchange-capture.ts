/**
 * The hot-path half of recording: the ExchangeRecorder the gateway calls while it streams.
 * Each method only keeps a reference and a timestamp; everything else happens once the
 * exchange has ended, in the record builder, off the hot path.
 */
import type { RedactionFinding } from '../mask/finding.ts';
import type { ExchangeRecorder, ExchangeStart, Outcome } from './recorder.ts';
import type { JournaledCapture } from './inflight.ts';
import type { TimedChunk } from './sse-assembler.ts';

/** What a record is built from: an ended exchange's data, on this thread or copied to the builder's. */
export interface CapturedExchange {
  readonly start: ExchangeStart;
  readonly chunks: readonly TimedChunk[];
  readonly findings: readonly RedactionFinding[];
  readonly status: number | undefined;
  readonly headers: Iterable<[string, string]> | undefined;
  readonly responseMs: number | undefined;
  readonly outcome: Outcome | undefined;
  readonly detail: string | undefined;
  readonly counted: Record<string, number> | undefined;
  readonly endMs: number;
}

export class ExchangeCapture implements ExchangeRecorder, CapturedExchange {
  readonly chunks: TimedChunk[] = [];
  readonly findings: RedactionFinding[] = [];
  status: number | undefined;
  headers: Headers | undefined;
  /** Time to the upstream's response headers, ms after the request arrived. */
  responseMs: number | undefined;
  outcome: Outcome | undefined;
  detail: string | undefined;
  counted: Record<string, number> | undefined;
  endMs = 0;
  private readonly origin: number;

  constructor(
    readonly start: ExchangeStart,
    private readonly onEnd: (capture: ExchangeCapture) => void,
  ) {
    // performance.now() is monotonic; anchor it to the request's arrival time.
    this.origin = performance.now() - Math.max(0, Date.now() - start.startedAt);
  }

  private elapsed(): number {
    return Math.round(performance.now() - this.origin);
  }

  /** An exchange an earlier run left in its in-flight journal, ended as far as it got. */
  static recovered(start: ExchangeStart, got: JournaledCapture, onEnd: (capture: ExchangeCapture) => void): ExchangeCapture {
    const capture = new ExchangeCapture(start, onEnd);
    capture.status = got.status;
    capture.headers = got.headers;
    capture.responseMs = got.responseMs;
    capture.chunks.push(...got.chunks);
    if (got.end) {
      // Served in full before the stop; only its record was still to be built.
      capture.outcome = got.end.outcome;
      capture.detail = got.end.detail;
      capture.endMs = got.end.ms;
      capture.findings.push(...got.end.findings);
      return capture;
    }
    capture.outcome = 'interrupted';
    capture.detail = 'the gateway stopped before the exchange ended; recorded as far as it got';
    capture.endMs = got.chunks.at(-1)?.ms ?? got.responseMs ?? 0;
    return capture;
  }

  response(status: number, headers: Headers): void {
    if (this.outcome !== undefined) return;
    this.status = status;
    this.headers = headers;
    this.responseMs = this.elapsed();
  }

  chunk(bytes: Uint8Array): void {
    if (this.outcome !== undefined) return;
    this.chunks.push({ ms: this.elapsed(), bytes });
  }

  finding(finding: RedactionFinding): void {
    if (this.outcome !== undefined) return;
    this.findings.push(finding);
  }

  usage(usage: Record<string, number>): void {
    if (this.outcome !== undefined) return;
    this.counted = usage;
  }

  end(outcome: Outcome, detail?: string): void {
    if (this.outcome !== undefined) return;
    this.outcome = outcome;
    this.detail = detail;
    this.endMs = this.elapsed();
    this.onEnd(this);
  }
}
