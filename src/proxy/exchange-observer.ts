import type { Identity } from '../identity/identity.ts';
import type { Logger } from '../log/logger.ts';
import type { Grant, Policy } from '../policy/policy.ts';
import type { ExchangeRecorder, Outcome } from '../record/recorder.ts';
import type { OpenStreams } from '../lifecycle/open-streams.ts';
import type { GatewayMetrics } from '../metrics/gateway-metrics.ts';
import type { CallSpan } from '../trace/tracer.ts';
import type { RelayObserver } from '../stream/relay.ts';
import { UsageWatcher } from '../stream/usage.ts';

export interface ExchangeContext {
  id: string;
  startedAt: number;
  status: number;
  identity: Identity;
  grant: Grant;
  recorder: ExchangeRecorder | undefined;
  policy: Policy;
  openStreams: OpenStreams;
  log: Logger;
  /** Metrics: the connection and route kind, and when (performance.now()) the call came and went upstream. */
  connection: string;
  route: string;
  receivedAt: number;
  forwardedAt: number;
  metrics: GatewayMetrics | undefined;
  /** The call's trace span, ended with the exchange; absent when tracing is off. */
  span: CallSpan | undefined;
}

/**
 * Everything that listens to one relayed response. On the hot path it only keeps references
 * (and notes when the first chunk passed); metrics, usage accounting and the access log line
 * run after the stream has ended.
 */
export function observeExchange(context: ExchangeContext): RelayObserver {
  const usage = new UsageWatcher();
  const { recorder } = context;
  let firstByteAt = 0;
  context.openStreams.opened();
  return {
    chunk(bytes) {
      if (firstByteAt === 0) firstByteAt = performance.now();
      recorder?.chunk(bytes);
      usage.chunk(bytes);
    },
    end(outcome: Outcome, detail?: string) {
      const ended = outcome === 'complete' && context.status >= 400 ? 'upstream_error' : outcome;
      recorder?.end(ended, detail ?? (ended === 'upstream_error' && outcome === 'complete' ? `HTTP ${context.status}` : undefined));
      context.openStreams.closed();
      setTimeout(() => settle(context, usage, ended, firstByteAt), 0);
    },
  };
}

function settle(context: ExchangeContext, usage: UsageWatcher, outcome: Outcome, firstByteAt: number): void {
  const { input, output, model } = usage.usage();
  const tokens = input + output;
  if (tokens > 0) context.policy.recordUsage(context.identity, context.grant, tokens);
  const { metrics } = context;
  if (metrics) {
    metrics.callEnded({ connection: context.connection, route: context.route, status: context.status, outcome });
    metrics.addedLatency((context.forwardedAt - context.receivedAt) / 1000);
    if (firstByteAt > 0) metrics.firstByte(context.connection, (firstByteAt - context.receivedAt) / 1000);
    if (tokens > 0) metrics.tokens(context.connection, model || 'unknown', input, output);
  }
  context.span?.end(
    {
      'scribe.exchange_id': context.id,
      'enduser.id': context.identity.subject,
      'scribe.issuer': context.identity.issuer,
      'scribe.connection': context.connection,
      'gen_ai.response.model': model || undefined,
      'scribe.outcome': outcome,
      'http.response.status_code': context.status,
    },
    outcome !== 'complete',
  );
  context.log.log('info', 'exchange', {
    exchange: context.id,
    ...(context.span ? { trace: context.span.traceId } : {}),
    subject: context.identity.subject,
    issuer: context.identity.issuer,
    rule: context.grant.rule,
    status: context.status,
    outcome,
    tokens,
    ms: Date.now() - context.startedAt,
  });
}
