/**
 * Handing an exchange to the record worker never takes anything from the gateway's thread:
 * views into shared or pooled buffers are copied, only fresh buffers are transferred, and the
 * worker's side reads back exactly the bytes captured.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { ExchangeCapture } from '../../src/record/exchange-capture.ts';
import { handOver, takeOver, type HandedCapture } from '../../src/record/handover.ts';
import { startOf } from './fixtures.ts';

function captureWith(body: Uint8Array, chunks: Uint8Array[]): ExchangeCapture {
  const start = { ...startOf({ model: 'm', messages: [] }), request: { ...startOf({}).request, body } };
  const capture = new ExchangeCapture(start, () => {});
  capture.response(200, new Headers({ 'content-type': 'text/event-stream' }));
  for (const chunk of chunks) capture.chunk(chunk);
  capture.finding({ rule: 'r', where: 'response', block: 0, start: 0, end: 1, original: 'secret' });
  capture.end('complete');
  return capture;
}

/** Posts through a real port, as the worker would receive it. */
function across(handed: HandedCapture, transfer: ArrayBuffer[]): HandedCapture {
  const { port1, port2 } = new MessageChannel();
  port1.postMessage(handed, transfer);
  const received = receiveMessageOnPort(port2)?.message as HandedCapture;
  port1.close();
  return received;
}

test('pooled chunks and a body viewing a larger buffer cross intact, and the capture keeps its bytes', () => {
  const slab = Buffer.from('0123456789abcdefghij{"model":"m"}XYZ');
  const body = slab.subarray(20, 33);
  const pooled = [Buffer.from('event: a\n\n'), Buffer.from('data: {"x":1}\n\n')];
  const capture = captureWith(body, pooled);
  const { handed, transfer } = handOver(capture);
  assert.ok(!transfer.includes(slab.buffer as ArrayBuffer), 'a buffer shared with other data is never transferred');
  for (const chunk of pooled) assert.ok(!transfer.includes(chunk.buffer as ArrayBuffer));
  assert.equal(handed.body.buffer.byteLength, body.byteLength, 'the body view was copied to its own bytes');
  const taken = takeOver(across(handed, transfer));
  assert.equal(Buffer.from(taken.start.request.body).toString(), '{"model":"m"}');
  assert.deepEqual(taken.chunks.map((c) => Buffer.from(c.bytes).toString()), ['event: a\n\n', 'data: {"x":1}\n\n']);
  assert.deepEqual(taken.chunks.map((c) => c.ms), capture.chunks.map((c) => c.ms));
  assert.deepEqual([...taken.headers!], [...capture.headers!]);
  assert.equal(taken.findings[0]?.original, 'secret');
  // Nothing of the capture was detached by the transfer: it can still be rebuilt or journaled.
  assert.equal(Buffer.from(capture.start.request.body).toString(), '{"model":"m"}');
  assert.equal(Buffer.from(capture.chunks[1]!.bytes).toString(), 'data: {"x":1}\n\n');
});

test('a body that owns its whole buffer is cloned by the post, not transferred', () => {
  const body = new TextEncoder().encode('{"model":"m","messages":[]}');
  const capture = captureWith(body, [new TextEncoder().encode('data: x\n\n')]);
  const { handed, transfer } = handOver(capture);
  assert.equal(handed.body, body, 'no copy of our own');
  assert.ok(!transfer.includes(body.buffer as ArrayBuffer));
  const taken = takeOver(across(handed, transfer));
  assert.deepEqual(taken.start.request.body, body);
  assert.equal(capture.start.request.body.byteLength, body.byteLength, 'still ours after the post');
});
