/** OpenTelemetry: one span per call sent over OTLP/HTTP, the caller's trace continued upstream. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Tracer } from '../../src/trace/tracer.ts';
import { createLogger } from '../../src/log/logger.ts';
import { startCoreHarness } from '../support/core-gateway.ts';

/** A local OTLP/HTTP receiver: keeps every span it is sent. */
async function startReceiver() {
  const spans: Array<Record<string, any>> = [];
  const resources: Array<Record<string, any>> = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      assert.equal(request.url, '/v1/traces');
      assert.equal(request.headers['content-type'], 'application/json');
      for (const resourceSpans of JSON.parse(body).resourceSpans) {
        resources.push(resourceSpans.resource);
        for (const scope of resourceSpans.scopeSpans) spans.push(...scope.spans);
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, spans, resources, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const attribute = (span: Record<string, any>, key: string) => {
  const value = span.attributes.find((a: { key: string }) => a.key === key)?.value;
  return value?.stringValue ?? (value?.intValue !== undefined ? Number(value.intValue) : undefined);
};

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test('a call continues the caller\'s trace, passes the gateway\'s span upstream, and exports it', async () => {
  const receiver = await startReceiver();
  const lines: string[] = [];
  const tracer = new Tracer({ otlpEndpoint: receiver.url, serviceName: 'scribe-test', exportIntervalMs: 20 }, { warn: (m) => lines.push(m) });
  const h = await startCoreHarness({ parts: { tracer, log: createLogger({ write: (line) => lines.push(line) }) } });
  try {
    const callerTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
    const callerSpan = '00f067aa0ba902b7';
    const response = await fetch(`${h.url}/v1/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.token}`, 'content-type': 'application/json', traceparent: `00-${callerTrace}-${callerSpan}-01` },
      body: JSON.stringify({ model: 'claude-sonnet-5-5', max_tokens: 8, stream: true, messages: [{ role: 'user', content: 'x' }] }),
    });
    assert.equal(response.status, 200);
    const exchangeId = response.headers.get('x-scribe-exchange-id');
    await response.text();
    await until(() => receiver.spans.length === 1);
    const [span] = receiver.spans;
    assert.equal(span!.traceId, callerTrace);
    assert.equal(span!.parentSpanId, callerSpan);
    assert.match(span!.spanId, /^[0-9a-f]{16}$/);
    assert.notEqual(span!.spanId, callerSpan);
    assert.equal(span!.kind, 2);
    assert.equal(span!.name, 'POST messages');
    assert.equal(span!.status.code, 1);
    assert.ok(BigInt(span!.endTimeUnixNano) > BigInt(span!.startTimeUnixNano));
    assert.equal(attribute(span!, 'enduser.id'), 'dev@example.com');
    assert.equal(attribute(span!, 'scribe.connection'), 'default');
    assert.equal(attribute(span!, 'gen_ai.response.model'), 'claude-sonnet-5-5');
    assert.equal(attribute(span!, 'scribe.outcome'), 'complete');
    assert.equal(attribute(span!, 'http.response.status_code'), 200);
    assert.equal(attribute(span!, 'scribe.exchange_id'), exchangeId);
    assert.deepEqual(receiver.resources[0]!.attributes, [{ key: 'service.name', value: { stringValue: 'scribe-test' } }]);
    // The upstream saw the gateway's span as its parent, in the caller's trace.
    assert.equal(h.upstream.calls[0]!.headers.traceparent, `00-${callerTrace}-${span!.spanId}-01`);
    // The access log line carries the exchange and trace ids.
    const logged = lines.map((line) => JSON.parse(line)).find((entry) => entry.msg === 'exchange');
    assert.equal(logged.exchange, exchangeId);
    assert.equal(logged.trace, callerTrace);
  } finally {
    await h.close();
    await receiver.close();
  }
});

test('a call without a trace context starts a trace; a refused call is a span with error status', async () => {
  const receiver = await startReceiver();
  const tracer = new Tracer({ otlpEndpoint: receiver.url, serviceName: 'scribe', exportIntervalMs: 20 }, { warn: () => {} });
  const h = await startCoreHarness({ parts: { tracer } });
  try {
    const ok = await fetch(`${h.url}/v1/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.token}`, 'content-type': 'application/json', traceparent: 'garbage' },
      body: JSON.stringify({ model: 'claude-sonnet-5-5', max_tokens: 8, messages: [{ role: 'user', content: 'x' }] }),
    });
    await ok.text();
    const refused = await fetch(`${h.url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(refused.status, 401);
    await refused.text();
    await until(() => receiver.spans.length === 2);
    const started = receiver.spans.find((span) => span.status.code === 1)!;
    assert.match(started.traceId, /^[0-9a-f]{32}$/);
    assert.equal(started.parentSpanId, undefined);
    assert.equal(h.upstream.calls[0]!.headers.traceparent, `00-${started.traceId}-${started.spanId}-01`);
    const failed = receiver.spans.find((span) => span.status.code === 2)!;
    assert.equal(attribute(failed, 'http.response.status_code'), 401);
    assert.equal(attribute(failed, 'error.type'), 'authentication_error');
  } finally {
    await h.close();
    await receiver.close();
  }
});

test('with no collector reachable calls still succeed and one warning says spans were dropped', async () => {
  const warnings: string[] = [];
  const tracer = new Tracer({ otlpEndpoint: 'http://127.0.0.1:9', serviceName: 'scribe', exportIntervalMs: 10 }, { warn: (m) => warnings.push(m) });
  const h = await startCoreHarness({ parts: { tracer } });
  try {
    const response = await fetch(`${h.url}/v1/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'claude-sonnet-5-5', max_tokens: 8, messages: [{ role: 'user', content: 'x' }] }),
    });
    assert.equal(response.status, 200);
    await response.text();
    await tracer.flush();
    await until(() => warnings.length > 0);
    assert.match(warnings[0]!, /traces: cannot reach the collector at http:\/\/127\.0\.0\.1:9\/v1\/traces/);
  } finally {
    await h.close();
  }
});
