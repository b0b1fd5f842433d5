import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startCoreHarness, type CoreHarness } from '../support/core-gateway.ts';

let h: CoreHarness;
before(async () => {
  h = await startCoreHarness();
});
after(() => h.close());

const streamBody = JSON.stringify({ model: 'claude-sonnet-5-5', max_tokens: 64, stream: true, messages: [{ role: 'user', content: 'hi' }] });

function post(path: string, body: BodyInit, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(h.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', authorization: `Bearer ${h.token}`, ...headers },
    body,
  });
}

test('the SSE body the client receives is byte-identical to what the upstream sent', async () => {
  h.upstream.next({ reply: { blocks: [{ type: 'thinking', thinking: 'hmm… 🤔', signature: 'c2lnbmF0dXJl+/=' }, { type: 'text', text: 'Ünïcode and emoji 🎉 split finely' }], deltaSize: 1 } });
  const response = await post('/v1/messages', streamBody);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
  const received = Buffer.from(await response.arrayBuffer());
  const call = h.upstream.calls.at(-1)!;
  await call.done;
  assert.ok(call.sent.length > 500);
  assert.ok(received.equals(call.sent), 'bytes differ');
});

test('the body and query string are forwarded byte for byte, unknown fields and roles included', async () => {
  const body = '{"model":"claude-sonnet-5-5","max_tokens":5,"messages":[{"role":"system","content":"be brief"},{"role":"user","content":"hi"}],"unknown_field":{"x":[1,2.50,"\\u00e9"]}  }';
  const response = await post('/v1/messages?beta=true&x=%2F1', body);
  assert.equal(response.status, 200);
  const call = h.upstream.calls.at(-1)!;
  assert.equal(call.body.toString(), body);
  assert.equal(call.query, '?beta=true&x=%2F1');
});

test('a malformed JSON body is forwarded as it is and the upstream judges it', async () => {
  const response = await post('/v1/messages', '{"model": "claude-sonnet-5-5", broken');
  assert.equal(response.status, 400);
  const error = await response.json();
  assert.equal(error.error.type, 'invalid_request_error');
  assert.equal(h.upstream.calls.at(-1)!.body.toString(), '{"model": "claude-sonnet-5-5", broken');
});

test('the upstream sees the gateway key and none of the caller credentials; useful headers cross', async () => {
  const response = await post('/v1/messages', streamBody, {
    'x-api-key': 'caller-key-must-not-cross',
    cookie: 'session=secret',
    'anthropic-beta': 'interleaved-thinking-2025-05-14',
    'x-claude-code-session-id': 'sess-123',
    'x-stainless-lang': 'js',
    'x-auth-token': 'also-secret',
    'user-agent': 'claude-cli/2.1 (external, cli)',
  });
  await response.arrayBuffer();
  const headers = h.upstream.calls.at(-1)!.headers;
  assert.equal(headers['x-api-key'], h.upstream.apiKey);
  assert.equal(headers.authorization, undefined);
  assert.equal(headers.cookie, undefined);
  assert.equal(headers['x-auth-token'], undefined);
  assert.equal(headers['anthropic-beta'], 'interleaved-thinking-2025-05-14');
  assert.equal(headers['anthropic-version'], '2023-06-01');
  assert.equal(headers['x-claude-code-session-id'], 'sess-123');
  assert.equal(headers['x-stainless-lang'], 'js');
  assert.equal(headers['user-agent'], 'claude-cli/2.1 (external, cli)');
  const raw = JSON.stringify(h.upstream.calls.at(-1)!.headers);
  assert.ok(!raw.includes(h.token), 'caller token crossed to the upstream');
});

test('response headers worth having pass through; the gateway key never appears in a response', async () => {
  h.upstream.next({ headers: { 'anthropic-ratelimit-requests-remaining': '41', 'retry-after': '3', 'set-cookie': 'upstream=1' } });
  const response = await post('/v1/messages', streamBody);
  const text = await response.text();
  assert.equal(response.headers.get('anthropic-ratelimit-requests-remaining'), '41');
  assert.equal(response.headers.get('retry-after'), '3');
  assert.ok(response.headers.get('request-id')?.startsWith('req_'));
  assert.equal(response.headers.get('set-cookie'), null);
  assert.match(response.headers.get('x-scribe-exchange-id') ?? '', /^[0-9a-f-]{36}$/);
  const everything = text + JSON.stringify([...response.headers]);
  assert.ok(!everything.includes(h.upstream.apiKey));
});

test('an unknown route under /v1 is a 404 in the Anthropic shape and is not forwarded', async () => {
  const before = h.upstream.calls.length;
  const response = await fetch(`${h.url}/v1/files`, { headers: { authorization: `Bearer ${h.token}` } });
  assert.equal(response.status, 404);
  assert.deepEqual(Object.keys(await response.json()), ['type', 'error']);
  const outside = await fetch(`${h.url}/admin`);
  assert.equal(outside.status, 404);
  assert.equal((await outside.json()).error.type, 'not_found_error');
  assert.equal(h.upstream.calls.length, before);
});

test('healthz answers', async () => {
  const response = await fetch(`${h.url}/healthz`);
  assert.equal(response.status, 200);
  assert.equal((await response.json()).status, 'ok');
});
