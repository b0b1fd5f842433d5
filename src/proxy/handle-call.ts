import { newExchangeId } from '../record/exchange-id.ts';
import type { Authenticator, Identity } from '../identity/identity.ts';
import type { Policy, Grant } from '../policy/policy.ts';
import type { Recorder, ExchangeRecorder, ExchangeStart } from '../record/recorder.ts';
import type { RedactionFinding } from '../mask/finding.ts';
import type { Connection } from '../upstream/connection.ts';
import type { ServerConfig } from '../config/schema.ts';
import type { Logger } from '../log/logger.ts';
import type { OpenStreams } from '../lifecycle/open-streams.ts';
import { GatewayError, errorBody } from '../http/errors.ts';
import { readBody } from '../http/body.ts';
import { forwardableRequestHeaders, forwardableResponseHeaders, recordableRequestHeaders } from '../http/headers.ts';
import { Relay, relayedResponse } from '../stream/relay.ts';
import { readerStream, type UpstreamTransport } from '../upstream/transport.ts';
import { rewriteJsonLines } from '../stream/jsonl-lines.ts';
import { callFacts, parseJsonBody } from './call-facts.ts';
import { observeExchange } from './exchange-observer.ts';
import { maskedMessage } from './masked-message.ts';
import { fetchUpstream } from './fetch-upstream.ts';
import type { RouteKind } from './routes.ts';

/** The masker as the proxy uses it (src/mask implements it). */
export interface CallMasker {
  sse(onFinding: (finding: RedactionFinding) => void): TransformStream<Uint8Array, Uint8Array>;
  message(body: Uint8Array, onFinding: (finding: RedactionFinding) => void): Uint8Array;
  batchResults(body: Uint8Array, onFinding: (finding: RedactionFinding) => void): Uint8Array;
  request(body: unknown, connection: string): {
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
    const startedAt = Date.now();
    const id = newExchangeId(startedAt);
    const connection = deps.connections.get(call.connection);
    if (connection === undefined) {
      throw new GatewayError(404, 'not_found_error', `No connection named "${call.connection}" is configured on this gateway.`);
    }
    const recordable = kind === 'messages';
    let identity: Identity | undefined;
    let grant: Grant | undefined;
    let body: Uint8Array = new Uint8Array(0);
    const requestFindings: RedactionFinding[] = [];
    const start = (): ExchangeStart => ({
      id,
      startedAt,
      identity,
      grant,
      connection: call.connection,
      upstream: connection.target,
      request: { method: request.method, path: call.path, query: call.query, headers: recordableRequestHeaders(request.headers), body },
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
      for (const facts of callFacts(call.connection, call.path, json)) grant = deps.policy.authorize(identity, facts);
      if (deps.masker && recordable && json !== undefined) {
        const scan = deps.masker.request(json, call.connection);
        requestFindings.push(...scan.findings);
        if (scan.action === 'block') {
          throw new GatewayError(400, 'invalid_request_error', `The request contains a secret (rule ${scan.blockedRule ?? scan.findings[0]?.rule ?? 'unknown'}); remove it and send again.`);
        }
        if (scan.action === 'mask' && scan.body) body = scan.body;
      }
    } catch (error) {
      if (recordable && error instanceof GatewayError) recordRejection(deps.recorder, start(), error, requestFindings);
      throw error;
    }
    const verified = identity as Identity;
    const granted = grant as Grant;

    const recorder = recordable ? deps.recorder.begin(start()) : undefined;
    for (const finding of requestFindings) recorder?.finding(finding);

    const upstream = await fetchUpstream({
      connection,
      call: { method: request.method, path: call.path, query: call.query, headers: forwardableRequestHeaders(request.headers), body: request.method === 'GET' ? undefined : body, json },
      clientSignal: request.signal,
      headersTimeoutMs: deps.server.upstreamTimeoutMs,
      transport: deps.transport,
    }).catch((error: unknown) => {
      if (error instanceof GatewayError) {
        recorder?.response(error.status, new Headers());
        recorder?.end(error.status === 499 ? 'client_aborted' : error.type === 'timeout_error' ? 'timeout' : 'upstream_error', error.message);
      }
      throw error;
    });

    const { reply, abort } = upstream;
    recorder?.response(reply.status, reply.headers);
    const headers = forwardableResponseHeaders(reply.headers);
    headers.set('x-scribe-exchange-id', id);
    const observer = observeExchange({ id, startedAt, status: reply.status, identity: verified, grant: granted, recorder, policy: deps.policy, openStreams: deps.openStreams, log: deps.log });
    const onFinding = (finding: RedactionFinding): void => recorder?.finding(finding);

    if (reply.body === null) {
      observer.end('complete');
      return new Response(null, { status: reply.status, headers });
    }
    const ok = reply.status >= 200 && reply.status < 300;
    const isSse = (reply.headers.get('content-type') ?? '').startsWith('text/event-stream');
    const masker = recordable && ok ? deps.masker : undefined;
    const batchResults = kind === 'batches' && call.path.endsWith('/results');
    const noteBatchFinding = (finding: RedactionFinding): void =>
      deps.log.log('info', 'redacted in batch results', { exchange: id, rule: finding.rule });

    if (masker && !isSse) {
      const response = new Response(readerStream(reply.body), { status: reply.status });
      return maskedMessage(response, masker, onFinding, observer, headers, { idleTimeoutMs: deps.server.idleTimeoutMs, abort, clientSignal: request.signal });
    }
    // Transforms take Web streams; an untransformed body goes from the upstream reader to the
    // client with no Web stream in between on a runtime that writes it directly.
    const source = masker
      ? readerStream(reply.body).pipeThrough(masker.sse(onFinding)).getReader()
      : batchResults && ok && deps.masker
        ? readerStream(reply.body).pipeThrough(rewriteJsonLines((lines) => deps.masker!.batchResults(lines, noteBatchFinding))).getReader()
        : reply.body;
    const relay = new Relay(source, {
      idleTimeoutMs: deps.server.idleTimeoutMs,
      abortUpstream: abort,
      clientSignal: request.signal,
      sse: isSse,
      observer,
    });
    return relayedResponse(relay, { status: reply.status, headers });
  };
}

function recordRejection(recorder: Recorder, start: ExchangeStart, error: GatewayError, findings: RedactionFinding[]): void {
  const exchange: ExchangeRecorder = recorder.begin(start);
  for (const finding of findings) exchange.finding(finding);
  exchange.response(error.status, new Headers({ 'content-type': 'application/json' }));
  exchange.chunk(new TextEncoder().encode(errorBody(error.type, error.message)));
  exchange.end('rejected', `${error.type}: ${error.message}`);
}
