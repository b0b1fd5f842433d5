import { Hono } from 'hono';
import type { JWK } from 'jose';
import type { GatewayConfig } from './config/schema.ts';
import type { Authenticator } from './identity/identity.ts';
import type { Policy } from './policy/policy.ts';
import type { Recorder } from './record/recorder.ts';
import type { Connection } from './upstream/connection.ts';
import type { DevIssuer } from './identity/dev-issuer.ts';
import { createLogger, type Logger } from './log/logger.ts';
import { assembleParts } from './lifecycle/assemble.ts';
import { GatewayError, errorResponse } from './http/errors.ts';
import { OpenStreams } from './lifecycle/open-streams.ts';
import { createCallHandler, type CallMasker } from './proxy/handle-call.ts';
import { matchRoute } from './proxy/routes.ts';
import { fetchTransport, type UpstreamTransport } from './upstream/transport.ts';

/** The parts a gateway is composed of; src/lifecycle/assemble.ts builds them from config. */
export interface GatewayParts {
  config: GatewayConfig;
  connections: ReadonlyMap<string, Connection>;
  authenticator: Authenticator;
  policy: Policy;
  masker: CallMasker | undefined;
  recorder: Recorder;
  log: Logger;
  fetch?: typeof fetch;
  /** The public JWK that verifies chain checkpoints, when recording signs them. */
  checkpointKey?: JWK;
  /** How calls reach the upstream; the runtime's fetch unless the runtime brings a faster one. */
  transport?: UpstreamTransport;
}

export interface Gateway {
  /** The Web-standard handler every runtime serves. */
  fetch(request: Request): Promise<Response>;
  readonly openStreams: OpenStreams;
  /** Lets open streams finish (at most graceMs), then flushes recording. */
  close(graceMs?: number): Promise<void>;
}

/** Builds every part from the config (overrides replace parts: tests, embedding), then composes. */
export async function createGateway(
  config: GatewayConfig,
  overrides: Partial<GatewayParts> & { log?: Logger } = {},
): Promise<{ gateway: Gateway; devIssuer?: DevIssuer }> {
  const parts = await assembleParts(config, overrides.log ?? createLogger());
  const gateway = composeGateway({ ...parts, ...overrides });
  return parts.devIssuer ? { gateway, devIssuer: parts.devIssuer } : { gateway };
}

/** Composes the Hono app: routes to the call handler, errors in the Anthropic shape. */
export function composeGateway(parts: GatewayParts): Gateway {
  const openStreams = new OpenStreams();
  const handleCall = createCallHandler({
    connections: parts.connections,
    authenticator: parts.authenticator,
    policy: parts.policy,
    masker: parts.masker,
    recorder: parts.recorder,
    server: parts.config.server,
    log: parts.log,
    transport: parts.transport ?? fetchTransport(parts.fetch ?? fetch),
    openStreams,
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

  const serve = (connection: string, path: string, request: Request, url: string): Promise<Response> => {
    const kind = matchRoute(request.method, path);
    if (kind === undefined) {
      throw new GatewayError(404, 'not_found_error', `${request.method} ${path} is not an endpoint this gateway serves.`);
    }
    const queryAt = url.indexOf('?');
    return handleCall({ request, connection, path, query: queryAt >= 0 ? url.slice(queryAt) : '', kind });
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
    async close(graceMs = parts.config.server.shutdownGraceMs) {
      await openStreams.drained(graceMs);
      await parts.recorder.close();
    },
  };
}
