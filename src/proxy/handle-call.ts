import { newExchangeId } from '../record/exchange-id.ts';
import type { Authenticator, Identity } from '../identity/identity.ts';
import type { Policy, Grant } from '../policy/policy.ts';
import type { Recorder, ExchangeRecorder, ExchangeStart } from '../record/recorder.ts';
import type { RedactionFinding } from '../mask/finding.ts';
import type { Connection, VertexAddress } from '../upstream/connection.ts';
import type { ServerConfig } from '../config/schema.ts';
import type { Logger } from '../log/logger.ts';
import type { OpenStreams } from '../lifecycle/open-streams.ts';
import type { GatewayMetrics } from '../metrics/gateway-metrics.ts';
import type { Tracer } from '../trace/tracer.ts';
import { endFailedSpan } from '../trace/call-span.ts';
import { GatewayError, errorBody } from '../http/errors.ts';
import { readBody } from '../http/body.ts';
import { forwardableResponseHeaders, requestHeaderViews, requestHeaderViewsOfLines, type RequestHeaderViews } from '../http/headers.ts';
import { nativeOf } from '../http/native-request.ts';
import { Relay, relayedResponse, type ChunkTransform } from '../stream/relay.ts';
import { readerStream, type UpstreamTransport } from '../upstream/transport.ts';
import { rewriteJsonLines } from '../stream/jsonl-lines.ts';
import { callFacts } from './call-facts.ts';
import { parseJsonBody } from './json-body.ts';
import { observeExchange } from './exchange-observer.ts';
import { maskedMessage } from './masked-message.ts';
import { fetchUpstream } from './fetch-upstream.ts';
import { vertexAddress, type RouteKind } from './routes.ts';
import { auditLine } from './audit-line.ts';
import { scansPrompts } from '../upstream/switches.ts';

/** The masker as the proxy uses it (src/mask implements it). */
export interface CallMasker {
  /** One per streamed response: called synchronously on each chunk the relay passes. */
  sseMasker(onFinding: (finding: RedactionFinding) => void): ChunkTransform;
  message(body: Uint8Array, onFinding: (finding: RedactionFinding) => void): Uint8Array;
  batchResults(body: Uint8Array, onFinding: (finding: RedactionFinding) => void): Uint8Array;
  request(body: unknown, connection: string, action?: 'allow' | 'mask' | 'block'): {
    action: 'allow' | 'mask' | 'block';
    findings: RedactionFinding[];
    body?: Uint8Array;
    blockedRule?: string;
  };
}

export interface ProxyDeps {
  connections: ReadonlyMap<string, Connection>;
  authenticator: Authenticator;
  policy: Policy;
  masker: CallMasker | undefined;
  recorder: Recorder;
  server: ServerConfig;
  log: Logger;
  transport: UpstreamTransport;
  openStreams: OpenStreams;
  metrics?: GatewayMetrics;
  tracer?: Tracer;
}

export interface Call {
  request: Request;
  connection: string;
  path: string;
  query: string;
  kind: RouteKind;
}

/** One call through the gateway: identity, policy, prompt scan, forward, relay, record. */
export function createCallHandler(deps: ProxyDeps): (call: Call) => Promise<Response> {
  return async function handleCall(call: Call): Promise<Response> {
    const { request, kind } = call;
    const receivedAt = performance.now();
    const startedAt = Date.now();
    const id = newExchangeId(startedAt);
    const span = deps.tracer?.start(request.headers, `${request.method} ${kind}`);
    const connection = deps.connections.get(call.connection);
    if (connection === undefined) {
      throw new GatewayError(404, 'not_found_error', `No connection named "${call.connection}" is configured on this gateway.`);
    }
    // Per-connection switches, resolved at start-up; a connection without them follows the gateway's parts.
    const switches = connection.switches;
    const vertex = call.path.startsWith('/v1/projects/') ? vertexAddress(call.path) : undefined;
    const recordable = kind === 'messages';
    const auditOnly = recordable && switches?.recording === false;
    const maskAnswers = switches?.maskAnswers ?? true;
    let identity: Identity | undefined;
    let grant: Grant | undefined;
    let body: Uint8Array = new Uint8Array(0);
    const requestFindings: RedactionFinding[] = [];
    // What a runtime's server offers of the request's own parts is cheaper than the Request's.
    const native = nativeOf(request);
    const clientSignal = native?.signal ?? request.signal;
    let headerViews: RequestHeaderViews | undefined;
    const headersOf = (): RequestHeaderViews =>
      (headerViews ??= native ? requestHeaderViewsOfLines(native.rawHeaders) : requestHeaderViews(request.headers));
    const start = (): ExchangeStart => ({
      id,
      startedAt,
      identity,
      grant,
      connection: call.connection,
      ...(vertex ? { format: 'vertex' as const } : {}),
      ...(modelOf(vertex, json, auditOnly) ?? {}),
      ...(auditOnly ? { bodies: 'omitted' as const } : {}),
      upstream: connection.target,
      request: { method: request.method, path: call.path, query: call.query, headers: headersOf().recordable, body: auditOnly ? new Uint8Array(0) : body },
    });

    let json: unknown;
    try {
      identity = await deps.authenticator.authenticate(request.headers);
      if (!connection.hasCredential) {
        throw new GatewayError(500, 'api_error', `The gateway has no upstream credential for connection "${call.connection}": set ANTHROPIC_API_KEY (or ANTHROPIC_API_KEY_FILE) where the gateway runs.`, { 'x-should-retry': 'false' });
      }
      if (recordable && !deps.recorder.accepting()) {
        throw new GatewayError(503, 'overloaded_error', 'The gateway cannot record calls right now and is configured to refuse them until it can.');
      }
      body = await readBody(request, deps.server.bodyLimitBytes);
      json = parseJsonBody(body, request.headers.get('content-type'));
      const asked = vertex ? anthropicView(vertex, json) : { path: call.path, json };
      for (const facts of callFacts(call.connection, asked.path, asked.json)) grant = await deps.policy.authorize(identity, facts);
      if (deps.masker && recordable && json !== undefined && (switches === undefined || scansPrompts(switches))) {
        const scan = deps.masker.request(json, call.connection, switches?.prompts);
        requestFindings.push(...scan.findings);
        if (scan.action === 'block') {
          throw new GatewayError(400, 'invalid_request_error', `The request contains a secret (rule ${scan.blockedRule ?? scan.findings[0]?.rule ?? 'unknown'}); remove it and send again.`);
        }
        if (scan.action === 'mask' && scan.body) {
          body = scan.body;
          // Connections that rebuild the body (Vertex AI) must rebuild the masked one.
          json = parseJsonBody(body, 'application/json');
        }
      }
    } catch (error) {
      if (recordable && error instanceof GatewayError) recordRejection(deps.recorder, start(), error, auditOnly ? [] : requestFindings, auditOnly);
      if (span) endFailedSpan(span, id, call.connection, identity, error);
      throw error;
    }
    const verified = identity as Identity;
    const granted = grant as Grant;

    const recorder = !recordable ? undefined : auditOnly ? auditLine(deps.recorder.begin(start())) : deps.recorder.begin(start());
    for (const finding of requestFindings) recorder?.finding(finding);

    const forwardedAt = performance.now();
    const upstreamHeaders = headersOf().forwardable;
    if (span) upstreamHeaders.set('traceparent', span.traceparent);
    const upstream = await fetchUpstream({
      connection,
      call: { method: request.method, path: call.path, query: call.query, headers: upstreamHeaders, body: request.method === 'GET' ? undefined : body, json, ...(vertex ? { vertex } : {}) },
      clientSignal,
      headersTimeoutMs: deps.server.upstreamTimeoutMs,
      transport: deps.transport,
    }).catch((error: unknown) => {
      if (error instanceof GatewayError) {
        recorder?.response(error.status, new Headers());
        recorder?.end(error.status === 499 ? 'client_aborted' : error.type === 'timeout_error' ? 'timeout' : 'upstream_error', error.message);
      }
      if (span) endFailedSpan(span, id, call.connection, identity, error);
      throw error;
    });

    const { reply, abort } = upstream;
    recorder?.response(reply.status, reply.headers);
    const headers = forwardableResponseHeaders(reply.headers);
    headers.set('x-scribe-exchange-id', id);
    const observer = observeExchange({ id, startedAt, status: reply.status, identity: verified, grant: granted, recorder, policy: deps.policy, openStreams: deps.openStreams, log: deps.log,
      connection: call.connection, route: kind, receivedAt, forwardedAt, metrics: deps.metrics, span });
    const onFinding = (finding: RedactionFinding): void => recorder?.finding(finding);

    if (reply.body === null) {
      observer.end('complete');
      return new Response(null, { status: reply.status, headers });
    }
    const ok = reply.status >= 200 && reply.status < 300;
    const isSse = (reply.headers.get('content-type') ?? '').startsWith('text/event-stream');
    const masker = recordable && ok && maskAnswers ? deps.masker : undefined;
    const batchResults = kind === 'batches' && call.path.endsWith('/results');
    const noteBatchFinding = (finding: RedactionFinding): void =>
      deps.log.log('info', 'redacted in batch results', { exchange: id, rule: finding.rule });

    if (masker && !isSse) {
      const response = new Response(readerStream(reply.body), { status: reply.status });
      return maskedMessage(response, masker, onFinding, observer, headers, { idleTimeoutMs: deps.server.idleTimeoutMs, abort, clientSignal });
    }
    // The stream masker runs inside the relay as a plain call per chunk, so a masked stream goes
    // from the upstream reader to the client with no Web stream in between on a runtime that
    // writes it directly. Batch results (rare, not streamed) keep their Web-stream transform.
    const source = !masker && batchResults && ok && maskAnswers && deps.masker
      ? readerStream(reply.body).pipeThrough(rewriteJsonLines((lines) => deps.masker!.batchResults(lines, noteBatchFinding))).getReader()
      : reply.body;
    const relay = new Relay(source, {
      idleTimeoutMs: deps.server.idleTimeoutMs,
      abortUpstream: abort,
      clientSignal,
      sse: isSse,
      observer,
      transform: masker?.sseMasker(onFinding),
    });
    return relayedResponse(relay, { status: reply.status, headers }, request);
  };
}

/** The Anthropic-format path and body a Vertex-format call stands for, as policy judges it. */
function anthropicView(vertex: VertexAddress, json: unknown): { path: string; json: unknown } {
  if (vertex.model === 'count-tokens') return { path: '/v1/messages/count_tokens', json };
  return { path: '/v1/messages', json: { ...(typeof json === 'object' ? json : {}), model: vertex.model } };
}

/** The model a record names apart from its body: Vertex paths carry it, audit lines keep no body. */
function modelOf(vertex: VertexAddress | undefined, json: unknown, auditOnly: boolean): { model: string } | undefined {
  if (vertex) return { model: vertex.model };
  const model = auditOnly ? (json as { model?: unknown } | undefined)?.model : undefined;
  return typeof model === 'string' ? { model } : undefined;
}

function recordRejection(recorder: Recorder, start: ExchangeStart, error: GatewayError, findings: RedactionFinding[], auditOnly: boolean): void {
  const exchange: ExchangeRecorder = auditOnly ? auditLine(recorder.begin(start)) : recorder.begin(start);
  for (const finding of findings) exchange.finding(finding);
  exchange.response(error.status, new Headers({ 'content-type': 'application/json' }));
  if (!auditOnly) exchange.chunk(new TextEncoder().encode(errorBody(error.type, error.message)));
  exchange.end('rejected', `${error.type}: ${error.message}`);
}
