// Messages between the benchmark runner and the load driver process (over Node IPC).

import type { EventSchedule } from '../simulator/scenario.ts';

export interface TargetEndpoint {
  /** Full URL of the Messages endpoint, e.g. http://127.0.0.1:1234/v1/messages */
  url: string;
  headers: Record<string, string>;
}

/** `concurrency` slots, each running `streamsPerSlot` streams back to back. */
export interface BatchJob {
  kind: 'batch';
  id: number;
  endpoint: TargetEndpoint;
  body: string;
  concurrency: number;
  streamsPerSlot: number;
  /** When each event leaves the simulator, relative to the request's arrival there. */
  schedule: EventSchedule;
  /**
   * Slot i starts i/concurrency of this many ms late, so arrivals are spread over about one
   * stream's duration: N streams are open at once, but they do not all begin at one instant.
   */
  staggerMs: number;
  timeoutMs: number;
}

/** Closed loop at `concurrency` until `durationMs` passes: streams per second at saturation. */
export interface SaturateJob {
  kind: 'saturate';
  id: number;
  endpoint: TargetEndpoint;
  body: string;
  concurrency: number;
  durationMs: number;
  timeoutMs: number;
}

/** Open `concurrency` streams and keep them open until told to release them. */
export interface HoldJob {
  kind: 'hold';
  id: number;
  endpoint: TargetEndpoint;
  body: string;
  concurrency: number;
  timeoutMs: number;
}

export interface ReleaseMessage {
  kind: 'release';
  id: number;
}

export type DriverJob = BatchJob | SaturateJob | HoldJob;

export interface StreamSample {
  ok: boolean;
  status: number;
  /** Request start to the first byte of the response body. */
  ttfbMs: number;
  /** Request start to the end of the stream. */
  totalMs: number;
  events: number;
  /**
   * Per event the simulator sent after the first: its lag (arrival since request start minus
   * scheduled departure since the request's arrival at the simulator) minus the first event's
   * lag. The request path's delay is in ttfbMs, not here.
   */
  eventLagsMs: number[];
  /** Largest gap between consecutive events as the client saw them. */
  maxGapMs: number;
  error?: string;
}

export interface BatchResult {
  kind: 'batch';
  id: number;
  samples: StreamSample[];
  elapsedMs: number;
}

export interface SaturateResult {
  kind: 'saturate';
  id: number;
  streams: number;
  events: number;
  errors: number;
  elapsedMs: number;
  firstError?: string;
}

export interface HoldingMessage {
  kind: 'holding';
  id: number;
  open: number;
  errors: number;
  firstError?: string;
}

export interface HoldResult {
  kind: 'hold';
  id: number;
  open: number;
}

export interface DriverFailure {
  kind: 'failed';
  id: number;
  message: string;
}

export type DriverMessage = BatchResult | SaturateResult | HoldingMessage | HoldResult | DriverFailure;
