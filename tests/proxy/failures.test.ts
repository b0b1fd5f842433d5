import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { startCoreHarness } from '../support/core-gateway.ts';

const body = (stream: boolean) => JSON.stringify({ model: 'claude-sonnet-5-5', max_tokens: 64, stream, messages: [{ role: 'user', content: 'hi' }] });

function post(url: string, token: string, payload: BodyInit, init: RequestInit = {}): Promise<Response> {
  return fetch(`${url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: payload,
    ...init,
  });
}

test('a client that disconnects mid-stream aborts the upstream request at once', async () => {
  const h = await startCoreHarness();
  try {
    h.upstream.next({ reply: { blocks: [{ type: 'text', text: 'x'.repeat(400) }], deltaSize: 2 }, eventDelayMs: 20 });
    const controller = new AbortController();
    const response = await post(h.url, h.token, body(true), { signal: controller.signal });
    const reader = response.body!.getReader();
    await reader.read();
    controller.abort();
    const call = h.upstream.calls.at(-1)!;
    const ended = await Promise.race([call.done, new Promise((r) => setTimeout(() => r('still streaming'), 2000))]);
    assert.equal(ended, 'closed');
    assert.ok(call.sent.length < 200 * 60, 'upstream kept streaming after the client left');
    assert.equal(await h.gateway.openStreams.drained(1000), true);
  } finally {
    await h.close();
  }
});

test('a stream that goes silent is ended with a timeout error event', async () => {
  const h = await startCoreHarness({ config: { server: { idleTimeoutMs: 300 } } });
  try {
    h.upstream.next({ stallAfterEvents: 3 });
    const response = await post(h.url, h.token, body(true));
    assert.equal(response.status, 200);
    const text = await response.text();
    assert.match(text, /event: message_start/);
    assert.match(text, /event: error\ndata: \{"type":"error","error":\{"type":"timeout_error"/);
    assert.equal((await h.upstream.calls.at(-1)!.done), 'closed');
  } finally {
    await h.close();
  }
});

test('an upstream that never answers gets a 504 timeout_error', async () => {
  const h = await startCoreHarness({ config: { server: { upstreamTimeoutMs: 300 } } });
  try {
    h.upstream.next({ hang: true });
    const response = await post(h.url, h.token, body(false));
    assert.equal(response.status, 504);
    const error = await response.json();
    assert.equal(error.type, 'error');
    assert.equal(error.error.type, 'timeout_error');
    assert.match(error.error.message, /no response within 300 ms/);
  } finally {
    await h.close();
  }
});

test('an unreachable upstream gets a 502 that says so', async () => {
  const port = await new Promise<number>((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
  const h = await startCoreHarness();
  try {
    const { anthropicConnection } = await import('../../src/upstream/anthropic.ts');
    const down = await startCoreHarness({ parts: { connections: new Map([['default', anthropicConnection('default', `http://127.0.0.1:${port}`, 'k')]]) } });
    try {
      const response = await post(down.url, down.token, body(true));
      assert.equal(response.status, 502);
      const error = await response.json();
      assert.equal(error.error.type, 'api_error');
      assert.match(error.error.message, /could not be reached: ECONNREFUSED/);
    } finally {
      await down.close();
    }
  } finally {
    await h.close();
  }
});

test('an upstream connection cut mid-stream ends the stream with an error event', async () => {
  const h = await startCoreHarness();
  try {
    h.upstream.next({ dropAfterEvents: 5 });
    const response = await post(h.url, h.token, body(true));
    const text = await response.text();
    assert.match(text, /event: error\ndata: \{"type":"error","error":\{"type":"api_error","message":"The upstream connection failed mid-response/);
  } finally {
    await h.close();
  }
});

test('an oversized body is refused with 413 before it is forwarded', async () => {
  const h = await startCoreHarness({ config: { server: { bodyLimitBytes: 1024 } } });
  try {
    const big = JSON.stringify({ model: 'claude-sonnet-5-5', max_tokens: 1, messages: [{ role: 'user', content: 'x'.repeat(5000) }] });
    const response = await post(h.url, h.token, big);
    assert.equal(response.status, 413);
    assert.equal((await response.json()).error.type, 'request_too_large');
    const chunked = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode(big));
        c.close();
      },
    });
    const streamed = await post(h.url, h.token, chunked, { duplex: 'half' } as RequestInit);
    assert.equal(streamed.status, 413);
    assert.equal(h.upstream.calls.length, 0);
  } finally {
    await h.close();
  }
});

test('the default body limit is 32 MiB', async () => {
  const { defineConfig } = await import('../../src/config/load.ts');
  assert.equal(defineConfig().server.bodyLimitBytes, 32 * 1024 * 1024);
});

test('without an upstream key calls get a clear error saying so, and nothing is forwarded', async () => {
  const h = await startCoreHarness({ apiKey: null });
  try {
    const response = await post(h.url, h.token, body(false));
    assert.equal(response.status, 500);
    assert.equal(response.headers.get('x-should-retry'), 'false');
    const error = await response.json();
    assert.equal(error.error.type, 'api_error');
    assert.match(error.error.message, /no upstream credential.*ANTHROPIC_API_KEY/);
    assert.equal(h.upstream.calls.length, 0);
  } finally {
    await h.close();
  }
});
