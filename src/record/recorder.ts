import type { Identity } from '../identity/identity.ts';
import type { Grant } from '../policy/policy.ts';
import type { RedactionFinding } from '../mask/finding.ts';

/** How an exchange ended. */
export type Outcome =
  | 'complete'
  | 'client_aborted'
  | 'upstream_error'
  | 'timeout'
  | 'rejected'
  /** Set by the recorder only: the gateway stopped before the exchange ended (recovered from the in-flight journal). */
  | 'interrupted';

/** What the gateway knows when a request arrives (before it is forwarded). */
export interface ExchangeStart {
  /** Unique id of this exchange, also sent to the caller as x-scribe-exchange-id. */
  id: string;
  /** Epoch ms when the request arrived. */
  startedAt: number;
  identity?: Identity;
  grant?: Grant;
  connection: string;
  /** The upstream base URL or Vertex endpoint the call goes to (no credentials). */
  upstream: string;
  request: {
    method: string;
    path: string;
    query: string;
    /** Allowlisted headers only: never authorization, x-api-key or cookies. */
    headers: Record<string, string>;
    /** The body as forwarded (after any prompt masking), byte for byte. */
    body: Uint8Array;
  };
}

/**
 * The gateway's handle on one exchange being recorded. Every method is called on the hot
 * path and must return at once: keep references, do the work later.
 */
export interface ExchangeRecorder {
  /** The upstream's status and headers, when they arrive. */
  response(status: number, headers: Headers): void;
  /** A chunk exactly as the client received it. The gateway never reuses the buffer. */
  chunk(bytes: Uint8Array): void;
  /** A span the masker redacted; originals are sealed or dropped by the recorder. */
  finding(finding: RedactionFinding): void;
  /** The end; called exactly once. */
  end(outcome: Outcome, detail?: string): void;
}

export interface Recorder {
  begin(start: ExchangeStart): ExchangeRecorder;
  /** Whether new requests may proceed (false when recording fails closed and cannot record). */
  accepting(): boolean;
  /** Flushes everything buffered to the store (or at least the spool); on shutdown. */
  close(): Promise<void>;
  /** Whether everything served is being recorded; degraded while exchanges go unrecorded. */
  health?(): RecordingHealth;
}

export interface RecordingHealth {
  state: 'ok' | 'degraded' | 'unavailable';
  /** Exchanges served without a record since the gateway started. */
  unrecorded: number;
  /** Ended exchanges whose records are still to be built. */
  toBuild: number;
}

/** Records nothing; used when recording is turned off. */
export const noRecorder: Recorder = {
  begin: () => ({ response() {}, chunk() {}, finding() {}, end() {} }),
  accepting: () => true,
  close: async () => {},
};
