/**
 * One span per call, exported to an OpenTelemetry collector over OTLP/HTTP in its JSON
 * encoding (POST <endpoint>/v1/traces). Written here rather than with the OpenTelemetry SDK:
 * the gateway needs one span kind and one exporter, and the SDK's HTTP exporter needs Node 22.
 *
 * A caller's `traceparent` is continued (same trace, the caller's span as parent) and the
 * gateway's own span is what the upstream sees as its parent. Spans are buffered and sent in
 * batches off the request path; a collector that is down costs dropped spans, never a call.
 */
import type { TracingConfig } from './config.ts';
import { formatTraceParent, parseTraceParent, randomHexId } from './traceparent.ts';

export interface CallSpan {
  readonly traceId: string;
  readonly spanId: string;
  /** The header to send upstream: this span as the parent. */
  readonly traceparent: string;
  /** Ends the span with the call's facts; later calls do nothing. */
  end(attributes: Record<string, string | number | undefined>, failed: boolean): void;
}

interface FinishedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: Array<{ key: string; value: { stringValue: string } | { intValue: string } }>;
  status: { code: number };
}

const SPAN_KIND_SERVER = 2;
const STATUS_OK = 1;
const STATUS_ERROR = 2;
const MAX_BUFFERED = 2048;

const nanos = (ms: number): string => `${BigInt(Math.round(ms * 1000)) * 1000n}`;

export class Tracer {
  readonly #config: TracingConfig & { otlpEndpoint: string };
  readonly #fetch: typeof fetch;
  readonly #warn: (message: string) => void;
  #buffer: FinishedSpan[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #sending: Promise<void> = Promise.resolve();
  #dropped = 0;

  constructor(config: TracingConfig & { otlpEndpoint: string }, options: { fetch?: typeof fetch; warn: (message: string) => void }) {
    this.#config = config;
    this.#fetch = options.fetch ?? fetch;
    this.#warn = options.warn;
  }

  start(requestHeaders: Headers, name: string): CallSpan {
    const parent = parseTraceParent(requestHeaders.get('traceparent'));
    const traceId = parent?.traceId ?? randomHexId(16);
    const spanId = randomHexId(8);
    const startedMs = performance.timeOrigin + performance.now();
    let ended = false;
    return {
      traceId,
      spanId,
      traceparent: formatTraceParent(traceId, spanId, parent?.sampled ?? true),
      end: (attributes, failed) => {
        if (ended) return;
        ended = true;
        this.#add({
          traceId,
          spanId,
          ...(parent ? { parentSpanId: parent.spanId } : {}),
          name,
          kind: SPAN_KIND_SERVER,
          startTimeUnixNano: nanos(startedMs),
          endTimeUnixNano: nanos(performance.timeOrigin + performance.now()),
          attributes: Object.entries(attributes)
            .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
            .map(([key, value]) => ({ key, value: typeof value === 'number' ? { intValue: String(Math.trunc(value)) } : { stringValue: value } })),
          status: { code: failed ? STATUS_ERROR : STATUS_OK },
        });
      },
    };
  }

  /** Sends what is buffered; on shutdown. */
  async flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#send();
    await this.#sending;
  }

  #add(span: FinishedSpan): void {
    if (this.#buffer.length >= MAX_BUFFERED) {
      this.#dropped++;
      return;
    }
    this.#buffer.push(span);
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      this.#send();
    }, this.#config.exportIntervalMs);
  }

  #send(): void {
    if (this.#buffer.length === 0) return;
    const spans = this.#buffer;
    this.#buffer = [];
    const body = JSON.stringify({
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: this.#config.serviceName } }] },
          scopeSpans: [{ scope: { name: 'scribe-gateway' }, spans }],
        },
      ],
    });
    const url = `${this.#config.otlpEndpoint.replace(/\/$/, '')}/v1/traces`;
    this.#sending = this.#sending.then(() =>
      this.#fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(5000) }).then(
        async (response) => {
          await response.body?.cancel();
          if (!response.ok) this.#warn(`traces: the collector answered ${response.status}; ${spans.length} span(s) dropped`);
        },
        (error: Error) => this.#warn(`traces: cannot reach the collector at ${url} (${error.message}); ${spans.length + this.#dropped} span(s) dropped`),
      ),
    );
  }
}
