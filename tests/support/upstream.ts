/**
 * A test upstream that speaks the Anthropic Messages API over real HTTP on loopback: streams
 * and non-streams, tool use, thinking with signatures, errors before and during a stream,
 * count_tokens, models and message batches. It records every call it receives.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { encodeEvent, messageEvents, messageJson, type Reply } from './messages.ts';

export interface Scenario {
  /** Answer with this HTTP status and an Anthropic error body instead of a message. */
  status?: number;
  error?: { type: string; message: string };
  headers?: Record<string, string>;
  reply?: Reply;
  /** Streams: send this many events, then an error event, then end. */
  errorAfterEvents?: number;
  /** Streams: send this many events, then cut the connection. */
  dropAfterEvents?: number;
  /** Streams: send this many events, then go silent with the connection open. */
  stallAfterEvents?: number;
  /** Never send response headers. */
  hang?: boolean;
  /** Non-streams: send the headers and this many bytes of the body, then go silent. */
  stallBodyAfterBytes?: number;
  /** Pause between events. */
  eventDelayMs?: number;
}

export interface RecordedCall {
  method: string;
  path: string;
  query: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** Every byte of the response body the upstream wrote. */
  sent: Buffer;
  /** Resolves when the upstream's side of the exchange is over (finished or closed). */
  done: Promise<'finished' | 'closed'>;
}

export interface TestUpstream {
  url: string;
  apiKey: string;
  calls: RecordedCall[];
  /** Queue the behaviour of the next call (calls without one get a short text reply). */
  next(scenario: Scenario): void;
  /** Decide the behaviour of calls that find the queue empty, from their parsed body. */
  respondWith(decide: ((body: Record<string, unknown> | undefined, path: string) => Scenario | undefined) | undefined): void;
  close(): Promise<void>;
}

const DEFAULT_REPLY: Reply = { blocks: [{ type: 'text', text: 'Hello from the test upstream.' }] };

export async function startUpstream(options: { apiKey?: string } = {}): Promise<TestUpstream> {
  const apiKey = options.apiKey ?? `sk-ant-api03-upstream-${crypto.randomUUID()}`;
  const calls: RecordedCall[] = [];
  const queue: Scenario[] = [];
  let decide: ((body: Record<string, unknown> | undefined, path: string) => Scenario | undefined) | undefined;
  const sockets = new Set<import('node:net').Socket>();

  const server = createServer(async (req, res) => {
    const body = await readAll(req);
    const url = new URL(req.url ?? '/', 'http://upstream');
    const sent: Buffer[] = [];
    let settle!: (how: 'finished' | 'closed') => void;
    const done = new Promise<'finished' | 'closed'>((resolve) => (settle = resolve));
    res.on('finish', () => settle('finished'));
    res.on('close', () => settle('closed'));
    const call: RecordedCall = { method: req.method ?? '', path: url.pathname, query: url.search, headers: { ...req.headers }, body, sent: Buffer.alloc(0), done };
    calls.push(call);
    const write = (chunk: string): void => {
      const bytes = Buffer.from(chunk);
      sent.push(bytes);
      call.sent = Buffer.concat(sent);
      res.write(bytes);
    };
    const scenario = queue.shift() ?? decide?.(parse(body), url.pathname) ?? {};
    if (scenario.hang) return;
    if (req.headers['x-api-key'] !== apiKey) {
      return sendJson(res, 401, { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } }, write);
    }
    if (scenario.status !== undefined && scenario.status >= 400) {
      const error = scenario.error ?? { type: 'api_error', message: `test upstream status ${scenario.status}` };
      return sendJson(res, scenario.status, { type: 'error', error }, write, scenario.headers);
    }
    await route(req.method ?? 'GET', url.pathname, body, scenario, res, write);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    apiKey,
    calls,
    next: (scenario) => queue.push(scenario),
    respondWith: (fn) => {
      decide = fn;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

async function route(
  method: string,
  path: string,
  body: Buffer,
  scenario: Scenario,
  res: ServerResponse,
  write: (chunk: string) => void,
): Promise<void> {
  const request = parse(body);
  if (method === 'POST' && path === '/v1/messages') {
    if (request === undefined) {
      return sendJson(res, 400, { type: 'error', error: { type: 'invalid_request_error', message: 'request body is not valid JSON' } }, write);
    }
    const reply = { ...(scenario.reply ?? DEFAULT_REPLY), model: (request.model as string) ?? 'claude-sonnet-5-5' };
    if (request.stream === true) return stream(res, reply, scenario, write);
    if (scenario.stallBodyAfterBytes !== undefined) {
      res.writeHead(200, { 'content-type': 'application/json' });
      write(JSON.stringify(messageJson(reply)).slice(0, scenario.stallBodyAfterBytes));
      return;
    }
    return sendJson(res, 200, messageJson(reply), write, scenario.headers);
  }
  if (method === 'POST' && path === '/v1/messages/count_tokens') {
    return sendJson(res, 200, { input_tokens: Math.max(1, Math.round(body.length / 4)) }, write);
  }
  if (method === 'GET' && path === '/v1/models') {
    return sendJson(res, 200, { data: [model('claude-sonnet-5-5'), model('claude-opus-5-5')], has_more: false, first_id: 'claude-sonnet-5-5', last_id: 'claude-opus-5-5' }, write);
  }
  const modelMatch = /^\/v1\/models\/([^/]+)$/.exec(path);
  if (method === 'GET' && modelMatch) return sendJson(res, 200, model(decodeURIComponent(modelMatch[1] as string)), write);
  if (path.startsWith('/v1/messages/batches')) return batches(method, path, request, res, write, scenario.reply ?? DEFAULT_REPLY);
  return sendJson(res, 404, { type: 'error', error: { type: 'not_found_error', message: `test upstream has no ${method} ${path}` } }, write);
}

async function stream(res: ServerResponse, reply: Reply, scenario: Scenario, write: (chunk: string) => void): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'request-id': `req_${crypto.randomUUID()}`, ...scenario.headers });
  const events = messageEvents(reply);
  for (let i = 0; i < events.length; i++) {
    if (res.destroyed) return;
    if (i === scenario.errorAfterEvents) {
      write(encodeEvent({ event: 'error', data: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } } }));
      res.end();
      return;
    }
    if (i === scenario.dropAfterEvents) {
      res.socket?.destroy();
      return;
    }
    if (i === scenario.stallAfterEvents) return;
    write(encodeEvent(events[i] as (typeof events)[number]));
    await new Promise((resolve) => (scenario.eventDelayMs ? setTimeout(resolve, scenario.eventDelayMs) : setImmediate(resolve)));
  }
  res.end();
}

function batches(method: string, path: string, request: Record<string, unknown> | undefined, res: ServerResponse, write: (chunk: string) => void, reply: Reply): void {
  const batch = (id: string, status = 'in_progress') => ({
    id, type: 'message_batch', processing_status: status,
    request_counts: { processing: 1, succeeded: 0, errored: 0, canceled: 0, expired: 0 },
    created_at: '2026-01-01T00:00:00Z', expires_at: '2026-01-02T00:00:00Z', ended_at: null, archived_at: null, cancel_initiated_at: null,
    results_url: null,
  });
  const id = path.split('/')[4];
  if (method === 'POST' && path === '/v1/messages/batches') {
    const count = Array.isArray(request?.requests) ? request.requests.length : 0;
    return sendJson(res, 200, { ...batch('msgbatch_test1'), request_counts: { processing: count, succeeded: 0, errored: 0, canceled: 0, expired: 0 } }, write);
  }
  if (method === 'GET' && path === '/v1/messages/batches') return sendJson(res, 200, { data: [batch('msgbatch_test1')], has_more: false, first_id: 'msgbatch_test1', last_id: 'msgbatch_test1' }, write);
  if (method === 'GET' && path.endsWith('/results')) {
    res.writeHead(200, { 'content-type': 'application/x-jsonl' });
    // Three results, the middle one written in two pieces, as a large body arrives.
    const line = (id: string) => JSON.stringify({ custom_id: id, result: { type: 'succeeded', message: messageJson(reply) } }) + '\n';
    write(line('one'));
    const two = line('two');
    write(two.slice(0, two.length >> 1));
    write(two.slice(two.length >> 1) + line('three'));
    res.end();
    return;
  }
  if (method === 'POST' && path.endsWith('/cancel')) return sendJson(res, 200, batch(id ?? '', 'canceling'), write);
  if (method === 'DELETE') return sendJson(res, 200, { id, type: 'message_batch_deleted' }, write);
  return sendJson(res, 200, batch(id ?? ''), write);
}

function model(id: string) {
  return { type: 'model', id, display_name: id, created_at: '2025-01-01T00:00:00Z' };
}

function sendJson(res: ServerResponse, status: number, body: unknown, write: (chunk: string) => void, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', 'request-id': `req_${crypto.randomUUID()}`, ...headers });
  write(JSON.stringify(body));
  res.end();
}

function parse(body: Buffer): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(body.toString('utf8'));
    return typeof value === 'object' && value !== null ? value : undefined;
  } catch {
    return undefined;
  }
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => resolve(Buffer.concat(parts)));
    req.on('error', reject);
  });
}
