import { Hono } from 'hono';
import type { JWK } from 'jose';
import type { GatewayConfig } from './config/schema.ts';
import type { Authenticator } from './identity/identity.ts';
import type { Policy } from './policy/policy.ts';
import { LocalLimits, type Limits } from './policy/limits.ts';
import type { Recorder } from './record/recorder.ts';
import type { Connection } from './upstream/connection.ts';
import type { DevIssuer } from './identity/dev-issuer.ts';
import { createLogger, type Logger } from './log/logger.ts';
import { assembleParts } from './lifecycle/assemble.ts';
import { GatewayError, errorResponse } from './http/errors.ts';
import { OpenStreams } from './lifecycle/open-streams.ts';
import { createCallHandler, type CallMasker, type ProxyDeps } from './proxy/handle-call.ts';
import type { RecorderStats } from './record/index.ts';
import { recordingState } from './metrics/recording-state.ts';
import { matchRoute } from './proxy/routes.ts';
import { fetchTransport, type UpstreamTransport } from './upstream/transport.ts';
import type { GatewayMetrics } from './metrics/gateway-metrics.ts';
import { countFailedCall } from './metrics/rejections.ts';
import type { Tracer } from './trace/tracer.ts';
import { servesMetricsOnApiPort } from './metrics/config.ts';
import { readiness } from './lifecycle/readiness.ts';
import type { ReloadableParts } from './lifecycle/assemble.ts';

/** The parts a gateway is composed of; src/lifecycle/assemble.ts builds them from config. */
export interface GatewayParts {
  config: GatewayConfig;
  connections: ReadonlyMap<string, Connection>;
  authenticator: Authenticator;
  policy: Policy;
  /** Where rate limits are counted (shared through Redis or per process); closed with the gateway. */
  limits?: Limits;
  masker: CallMasker | undefined;
  recorder: Recorder;
  log: Logger;
  fetch?: typeof fetch;
  /** The public JWK that verifies chain checkpoints, when recording signs them. */
  checkpointKey?: JWK;
  /** How calls reach the upstream; the runtime's fetch unless the runtime brings a faster one. */
  transport?: UpstreamTransport;
  /** Prometheus metrics; absent when metrics are off. */
  metrics?: GatewayMetrics;
  /** OpenTelemetry spans, one per call; absent unless an OTLP endpoint is configured. */
  tracer?: Tracer;
}

export interface Gateway {
  /** The Web-standard handler every runtime serves. */
  fetch(request: Request): Promise<Response>;
  readonly openStreams: OpenStreams;
  /** For a runtime's separate metrics listener; absent when metrics are off. */
  readonly metrics: GatewayMetrics | undefined;
  /** Puts new connections, policy and masker in place for new calls; open streams keep theirs. */
  reload(parts: ReloadableParts): void;
  /** Lets open streams finish (at most graceMs), then flushes recording. */
  close(graceMs?: number): Promise<void>;
}

/** Builds every part from the config (overrides replace parts: tests, embedding), then composes. */
export async function createGateway(
  config: GatewayConfig,
  overrides: Partial<GatewayParts> & { log?: Logger } = {},
): Promise<{ gateway: Gateway; limits: Limits; devIssuer?: DevIssuer }> {
  const parts = await assembleParts(config, overrides.log ?? createLogger());
  const gateway = composeGateway({ ...parts, ...overrides });
  const limits = overrides.limits ?? parts.limits ?? new LocalLimits();
  return parts.devIssuer ? { gateway, limits, devIssuer: parts.devIssuer } : { gateway, limits };
}

/** Composes the Hono app: routes to the call handler, errors in the Anthropic shape. */
export function composeGateway(parts: GatewayParts): Gateway {
  const openStreams = new OpenStreams();
  const { metrics } = parts;
  // The call handler reads these per call, so a reload takes effect with the next call.
  const deps: ProxyDeps = {
    connections: parts.connections,
    authenticator: parts.authenticator,
    policy: parts.policy,
    masker: parts.masker,
    recorder: parts.recorder,
    server: parts.config.server,
    log: parts.log,
    transport: parts.transport ?? fetchTransport(parts.fetch ?? fetch),
    openStreams,
    ...(metrics ? { metrics } : {}),
    ...(parts.tracer ? { tracer: parts.tracer } : {}),
  };
  const handleCall = createCallHandler(deps);
  const stats = 'stats' in parts.recorder ? (parts.recorder as { stats(): RecorderStats }).stats.bind(parts.recorder) : undefined;
  metrics?.watch({
    openStreams: () => openStreams.size,
    ...(stats ? { recording: () => recordingState(stats()) } : {}),
  });

  const app = new Hono();
  const checkpointKey = parts.checkpointKey;
  if (checkpointKey) app.get('/.well-known/scribe-checkpoint-key', (c) => c.json(checkpointKey));
  app.get('/healthz', (c) => {
    // Liveness stays 200: a gateway recording badly still serves; the body says how badly.
    const recording = parts.recorder.health?.() ?? { state: parts.recorder.accepting() ? 'ok' : 'unavailable' };
    const status = recording.state === 'ok' ? 'ok' : 'degraded';
    return c.json({ status, recording: recording.state, ...('unrecorded' in recording ? { unrecorded: recording.unrecorded, toBuild: recording.toBuild } : {}) });
  });
  app.get('/readyz', (c) => {
    const state = readiness({ connections: deps.connections, authenticator: parts.authenticator, recorder: parts.recorder, spoolMaxBytes: stats ? parts.config.recording.spoolMaxBytes : undefined });
    return c.json({ status: state.ready ? 'ready' : 'not ready', ...state.checks }, state.ready ? 200 : 503);
  });
  if (metrics && servesMetricsOnApiPort(parts.config)) app.get('/metrics', () => metrics.exposition());

  const serve = (connection: string, path: string, request: Request, url: string): Promise<Response> => {
    const kind = matchRoute(request.method, path);
    if (kind === undefined) {
      throw new GatewayError(404, 'not_found_error', `${request.method} ${path} is not an endpoint this gateway serves.`);
    }
    const queryAt = url.indexOf('?');
    const answer = handleCall({ request, connection, path, query: queryAt >= 0 ? url.slice(queryAt) : '', kind });
    return metrics ? answer.catch((error: unknown) => {
      countFailedCall(metrics, deps.connections, connection, kind, error);
      throw error;
    }) : answer;
  };
  app.all('/v1/*', (c) => serve('default', c.req.path, c.req.raw, c.req.url));
  app.all('/c/:connection/v1/*', (c) => {
    const connection = c.req.param('connection');
    return serve(connection, c.req.path.slice(`/c/${connection}`.length), c.req.raw, c.req.url);
  });

  app.notFound((c) => errorResponse(new GatewayError(404, 'not_found_error', `${c.req.method} ${c.req.path} is not an endpoint this gateway serves.`)));
  app.onError((error) => {
    if (error instanceof GatewayError) return errorResponse(error);
    parts.log.log('error', 'unhandled error', { error: error instanceof Error ? error.message : String(error) });
    return errorResponse(new GatewayError(500, 'api_error', 'The gateway failed to handle this request.'));
  });

  return {
    fetch: (request) => Promise.resolve(app.fetch(request)),
    openStreams,
    metrics,
    reload(next) {
      deps.connections = next.connections;
      deps.policy = next.policy;
      deps.masker = next.masker;
    },
    async close(graceMs = parts.config.server.shutdownGraceMs) {
      await openStreams.drained(graceMs);
      await parts.recorder.close();
      await parts.limits?.close();
      await parts.tracer?.flush();
    },
  };
}
