import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request as httpRequest, type Server, type ServerResponse } from 'node:http';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { AddressInfo } from 'node:net';
import { startCoreHarness, type CoreHarness } from '../support/core-gateway.ts';
import { anthropicConnection } from '../../src/upstream/anthropic.ts';
import { portablePath } from '../support/serve.ts';

const run = promisify(execFile);
const FIRST_EVENT = 'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1"}}\n\n';
const body = JSON.stringify({ model: 'claude-sonnet-5-5', max_tokens: 8, stream: true, messages: [{ role: 'user', content: 'hi' }] });

/** How the upstream answers the next call: given the response, it decides when to write. */
let answer: (res: ServerResponse) => void = () => {};
let upstream: Server;
let h: CoreHarness;

before(async () => {
  upstream = createServer((req, res) => {
    req.resume();
    req.once('end', () => answer(res));
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  h = await startCoreHarness({ parts: { connections: new Map([['default', anthropicConnection('default', url, 'sk-ant-test')]]) } });
});
after(async () => {
  await h.close();
  upstream.closeAllConnections();
  await new Promise((resolve) => upstream.close(resolve));
});

test('a stream whose upstream sends its head alone reaches the client head first, before any event', { skip: portablePath }, async () => {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  answer = (res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.flushHeaders();
    void released.then(() => res.end(FIRST_EVENT));
  };
  const received = await new Promise<string>((resolve, reject) => {
    const call = httpRequest(`${h.url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', authorization: `Bearer ${h.token}` } }, (res) => {
      assert.equal(res.statusCode, 200);
      assert.match(String(res.headers['x-scribe-exchange-id']), /^[0-9a-f-]{36}$/);
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve(text));
      // The head arrived while the upstream still holds its first event back.
      release();
    });
    call.on('error', reject);
    call.end(body);
  });
  assert.equal(received, FIRST_EVENT);
});

test('when the first event comes with the upstream head, the gateway sends head and event in one write', { skip: portablePath }, async () => {
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  answer = (res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(FIRST_EVENT);
    void finished.then(() => res.end());
  };
  // The client is another process, idle until the gateway writes: two writes a tick apart reach
  // it as two reads, where one write is one read.
  const { port } = new URL(h.url);
  const request =
    `POST /v1/messages HTTP/1.1\r\nhost: gateway\r\ncontent-type: application/json\r\nanthropic-version: 2023-06-01\r\n` +
    `authorization: Bearer ${h.token}\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
  const client = `const s = require('node:net').connect(${Number(port)}, '127.0.0.1', () => s.write(${JSON.stringify(request)}));
    s.once('data', (chunk) => { process.stdout.write(chunk.toString('utf8')); s.destroy(); });`;
  const { stdout } = await run(process.execPath, ['-e', client], { timeout: 20_000 });
  finish();
  assert.match(stdout, /^HTTP\/1\.1 200 OK\r\n/);
  assert.ok(stdout.includes('"type":"message_start"'), `the first read held only: ${JSON.stringify(stdout.slice(0, 80))}…`);
});
