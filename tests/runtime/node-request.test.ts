import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';
import { nodeRequest } from '../../src/runtime/node-request.ts';
import type { NativeRequest } from '../../src/http/native-request.ts';

const LIMIT = 64 * 1024;

/** What the server saw of the last request: its body (or how reading it ended) and its signal. */
interface Seen {
  body?: Uint8Array | undefined;
  failed?: string;
  native: NativeRequest;
  aborts: number;
}
let onRequest: (seen: Seen) => void = () => {};
let hold = false;
let server: Server;
let port: number;

before(async () => {
  server = createServer((incoming, outgoing) => {
    const native = nodeRequest(incoming, outgoing);
    const seen: Seen = { native, aborts: 0 };
    native.signal.addEventListener('abort', () => seen.aborts++, { once: true });
    native.body(LIMIT).then(
      (body) => {
        seen.body = body;
        onRequest(seen);
        // A held response stays open, so the client can leave in the middle of it.
        if (hold) outgoing.writeHead(200).write('partial');
        else outgoing.end(body === undefined ? 'too large' : createHash('sha256').update(body).digest('hex'));
      },
      (error: Error) => {
        seen.failed = error.message;
        onRequest(seen);
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
after(() => new Promise((resolve) => server.close(resolve)));

function next(): Promise<Seen> {
  return new Promise((resolve) => (onRequest = resolve));
}

/** Sends a request head and body pieces with a pause between them, over a raw socket. */
async function send(head: string, pieces: Buffer[], pauseMs = 20): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write(head);
  for (const piece of pieces) {
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
    socket.write(piece);
  }
  return socket;
}

function reply(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('end', () => resolve(text));
    socket.on('close', () => resolve(text));
  });
}

const bytes = (size: number, seed: number): Buffer => Buffer.from(Array.from({ length: size }, (_, i) => (i * 31 + seed) & 0xff));

test('a body that arrived with its head is read whole, the same bytes', async () => {
  const body = bytes(8 * 1024, 1);
  const seen = next();
  const socket = connect(port, '127.0.0.1');
  socket.end(Buffer.concat([Buffer.from(`POST /v1/messages HTTP/1.1\r\nhost: x\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n`), body]));
  const answer = reply(socket);
  assert.deepEqual(Buffer.from((await seen).body!), body);
  assert.match(await answer, new RegExp(createHash('sha256').update(body).digest('hex')));
});

test('a body that arrives in pieces, a pause between each, is gathered whole', async () => {
  const pieces = [bytes(20_000, 2), bytes(30_000, 3), bytes(5, 4)];
  const total = Buffer.concat(pieces);
  const seen = next();
  const socket = await send(`POST /v1/messages HTTP/1.1\r\nhost: x\r\ncontent-length: ${total.length}\r\nconnection: close\r\n\r\n`, pieces);
  const answer = reply(socket);
  assert.deepEqual(Buffer.from((await seen).body!), total);
  assert.match(await answer, new RegExp(createHash('sha256').update(total).digest('hex')));
});

test('a chunked body is refused as soon as it runs past the limit, before the rest arrives', async () => {
  const piece = bytes(40_000, 5);
  const chunk = (b: Buffer): Buffer => Buffer.concat([Buffer.from(`${b.length.toString(16)}\r\n`), b, Buffer.from('\r\n')]);
  const seen = next();
  const socket = await send('POST /v1/messages HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n', [chunk(piece), chunk(piece)]);
  const answer = reply(socket);
  assert.equal((await seen).body, undefined);
  socket.end('0\r\n\r\n');
  assert.match(await answer, /too large/);
});

test('a caller that leaves in the middle of its body fails the read, and the signal says it left', async () => {
  const seen = next();
  const socket = await send('POST /v1/messages HTTP/1.1\r\nhost: x\r\ncontent-length: 100000\r\n\r\n', [bytes(30_000, 6)]);
  socket.destroy();
  const result = await seen;
  assert.match(result.failed ?? '', /closed the connection before its request body arrived/);
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(result.native.signal.aborted, true);
  assert.equal(result.aborts, 1);
});

test('the signal stays quiet for a response sent in full, and tells once of a caller that leaves mid-response', async () => {
  const done = next();
  const full = connect(port, '127.0.0.1');
  full.end('POST /v1/messages HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\nconnection: close\r\n\r\nhi');
  await reply(full);
  const quiet = await done;
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(quiet.native.signal.aborted, false);
  assert.equal(quiet.aborts, 0);

  hold = true;
  try {
    const held = next();
    const leaving = connect(port, '127.0.0.1');
    leaving.write('POST /v1/messages HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\n\r\nhi');
    const seen = await held;
    const removed = (): void => assert.fail('a removed listener was called');
    seen.native.signal.addEventListener('abort', removed);
    seen.native.signal.removeEventListener('abort', removed);
    await new Promise((resolve) => setTimeout(resolve, 20));
    leaving.destroy();
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(seen.native.signal.aborted, true);
    assert.equal(seen.aborts, 1);
  } finally {
    hold = false;
  }
});
