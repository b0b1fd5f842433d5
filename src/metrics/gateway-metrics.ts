/**
 * The gateway's Prometheus metrics (prom-client), in a registry of its own so that several
 * gateways in one process (tests, embedding) never mix their counts.
 *
 * Every hook here runs once per exchange (its end, a rejection, a redaction), never per
 * chunk. Gauges that mirror state elsewhere (open streams, spool) are read when scraped.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface RecordingState {
  spoolBytes: number;
  spoolFiles: number;
  unrecorded: number;
  uploadFailures: number;
  uploadRetries: number;
}

/** What a scrape reads from the rest of the gateway. */
export interface MetricSources {
  openStreams(): number;
  /** The recorder's spool and uploads; absent when recording is off. */
  recording?: () => RecordingState;
}

/** Label values the gateway puts on calls: connection names, route kinds, statuses, outcomes. */
export interface CallLabels {
  connection: string;
  route: string;
  status: number;
  outcome: string;
}

const SECONDS_FAST = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25];
const SECONDS_UPSTREAM = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export class GatewayMetrics {
  readonly registry = new Registry();
  readonly #calls: Counter<'connection' | 'route' | 'status' | 'outcome'>;
  readonly #ttfb: Histogram<'connection'>;
  readonly #overhead: Histogram;
  readonly #tokens: Counter<'connection' | 'model' | 'direction'>;
  readonly #redactions: Counter<'rule'>;
  readonly #denials: Counter<'reason'>;
  readonly #limitsUnavailable: Counter;
  readonly #keyLoads: Counter<'issuer' | 'result'>;

  constructor() {
    const registers = [this.registry];
    this.#calls = new Counter({ name: 'scribe_calls_total', help: 'Calls answered, by connection, route, HTTP status and outcome (complete, client_aborted, upstream_error, timeout, rejected).', labelNames: ['connection', 'route', 'status', 'outcome'], registers });
    this.#ttfb = new Histogram({ name: 'scribe_time_to_first_byte_seconds', help: 'From receiving a call to relaying the first byte of its answer.', labelNames: ['connection'], buckets: SECONDS_UPSTREAM, registers });
    this.#overhead = new Histogram({ name: 'scribe_gateway_added_seconds', help: 'Latency the gateway adds before a call goes upstream: identity, policy, body, prompt scan.', buckets: SECONDS_FAST, registers });
    this.#tokens = new Counter({ name: 'scribe_tokens_total', help: 'Tokens the upstream reported, by connection, model and direction (in, out).', labelNames: ['connection', 'model', 'direction'], registers });
    this.#redactions = new Counter({ name: 'scribe_redactions_total', help: 'Secrets redacted, by rule.', labelNames: ['rule'], registers });
    this.#denials = new Counter({ name: 'scribe_policy_denials_total', help: 'Calls policy refused: reason "permission" (403) or "rate_limit" (429, a limit hit).', labelNames: ['reason'], registers });
    this.#limitsUnavailable = new Counter({ name: 'scribe_shared_limits_unavailable_total', help: 'Limit checks or token bookings Redis could not answer (the failure mode applied).', registers });
    this.#keyLoads = new Counter({ name: 'scribe_issuer_key_refreshes_total', help: 'Fetches of an issuer\'s signing keys, by issuer and result (ok, failed).', labelNames: ['issuer', 'result'], registers });
    // Process figures (CPU, memory, event loop lag) where the runtime offers Node's APIs for them.
    try {
      collectDefaultMetrics({ register: this.registry, prefix: 'scribe_process_' });
    } catch {
      // A runtime without perf_hooks' event loop monitor: the gateway's own metrics suffice.
    }
  }

  /** Gauges read at scrape time from the running gateway; called once, when it is composed. */
  watch(sources: MetricSources): void {
    const registers = [this.registry];
    new Gauge({ name: 'scribe_open_streams', help: 'Answers being relayed right now.', registers, collect() { this.set(sources.openStreams()); } });
    const recording = sources.recording;
    if (recording) {
      const read = (pick: (state: RecordingState) => number) => function (this: Gauge) { this.set(pick(recording())); };
      new Gauge({ name: 'scribe_spool_bytes', help: 'Bytes of batches in the local spool not yet confirmed by the store.', registers, collect: read((s) => s.spoolBytes) });
      new Gauge({ name: 'scribe_spool_files', help: 'Batch files in the local spool not yet confirmed by the store.', registers, collect: read((s) => s.spoolFiles) });
      // Counts the recorder keeps itself, exposed as counters (reset to its figure at each scrape).
      const total = (pick: (state: RecordingState) => number) => function (this: Counter) {
        this.reset();
        this.inc(pick(recording()));
      };
      new Counter({ name: 'scribe_unrecorded_exchanges_total', help: 'Exchanges served without a record (spool full, fail open).', registers, collect: total((s) => s.unrecorded) });
      new Counter({ name: 'scribe_upload_failures_total', help: 'Batch uploads to the store that failed (each is retried with backoff).', registers, collect: total((s) => s.uploadFailures) });
      new Counter({ name: 'scribe_upload_retries_total', help: 'Batch upload attempts made after a failure.', registers, collect: total((s) => s.uploadRetries) });
    }
  }

  /** An exchange's answer has ended (or never started: a rejection). */
  callEnded(labels: CallLabels): void {
    this.#calls.inc({ connection: labels.connection, route: labels.route, status: labels.status, outcome: labels.outcome });
  }

  firstByte(connection: string, seconds: number): void {
    this.#ttfb.observe({ connection }, seconds);
  }

  addedLatency(seconds: number): void {
    this.#overhead.observe(seconds);
  }

  tokens(connection: string, model: string, input: number, output: number): void {
    if (input > 0) this.#tokens.inc({ connection, model, direction: 'in' }, input);
    if (output > 0) this.#tokens.inc({ connection, model, direction: 'out' }, output);
  }

  redaction(rule: string): void {
    this.#redactions.inc({ rule });
  }

  denied(reason: 'permission' | 'rate_limit'): void {
    this.#denials.inc({ reason });
  }

  limitsUnavailable(): void {
    this.#limitsUnavailable.inc();
  }

  keyRefresh(issuer: string, ok: boolean): void {
    this.#keyLoads.inc({ issuer, result: ok ? 'ok' : 'failed' });
  }

  /** The exposition a Prometheus scrape reads. */
  async exposition(): Promise<Response> {
    return new Response(await this.registry.metrics(), { headers: { 'content-type': this.registry.contentType } });
  }
}
