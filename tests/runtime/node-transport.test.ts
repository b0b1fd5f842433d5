import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { nodeTransport, splitUrl } from '../../src/runtime/node-transport.ts';
import { HeaderList } from '../../src/http/header-list.ts';

test('an upstream URL splits into the origin and the path with its query, a base path kept', () => {
  assert.deepEqual(splitUrl('https://api.anthropic.com/v1/messages?beta=true'), { origin: 'https://api.anthropic.com', path: '/v1/messages?beta=true' });
  assert.deepEqual(splitUrl('http://127.0.0.1:8080/proxy/anthropic/v1/messages'), { origin: 'http://127.0.0.1:8080', path: '/proxy/anthropic/v1/messages' });
  assert.deepEqual(splitUrl('http://[::1]:9000/v1/models/claude%2Fx'), { origin: 'http://[::1]:9000', path: '/v1/models/claude%2Fx' });
  assert.deepEqual(splitUrl('https://example.com'), { origin: 'https://example.com', path: '/' });
});

test('the transport sends method, path, query, headers and body to the upstream as given', async () => {
  const seen: { method?: string; url?: string; headers?: Record<string, unknown>; body?: string } = {};
  const upstream = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      Object.assign(seen, { method: req.method, url: req.url, headers: req.headers, body });
      res.writeHead(201, { 'content-type': 'application/json', 'request-id': 'req_1' });
      res.end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const transport = nodeTransport();
  try {
    const base = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/prefix`;
    const reply = await transport.send({
      url: `${base}/v1/messages?beta=true`,
      method: 'POST',
      headers: new HeaderList({ 'content-type': 'application/json', 'anthropic-version': '2023-06-01' }),
      body: new TextEncoder().encode('{"model":"m"}'),
      signal: new AbortController().signal,
    });
    assert.equal(reply.status, 201);
    assert.equal(reply.headers.get('request-id'), 'req_1');
    let text = '';
    for (let chunk = await reply.body!.read(); !chunk.done; chunk = await reply.body!.read()) text += new TextDecoder().decode(chunk.value);
    assert.equal(text, '{"ok":true}');
    assert.equal(seen.method, 'POST');
    assert.equal(seen.url, '/prefix/v1/messages?beta=true');
    assert.equal(seen.headers?.['anthropic-version'], '2023-06-01');
    assert.equal(seen.body, '{"model":"m"}');
  } finally {
    await transport.close();
    upstream.close();
  }
});
