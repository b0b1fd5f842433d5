/** The recorder assembles the final message from the SSE copy and keeps a faithful timeline. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assembleStream, type TimedChunk } from '../../src/record/sse-assembler.ts';
import { encodeStream, rebuildEvents } from '../../src/record/stream-form.ts';
import { chunkBytes, sseEvents } from './fixtures.ts';

const timed = (chunks: Uint8Array[]): TimedChunk[] => chunks.map((bytes, i) => ({ ms: i * 10, bytes }));

test('text, tool_use with parsed input, thinking with signature, stop_reason and usage are assembled', () => {
  const text = sseEvents([
    { type: 'thinking', thinking: 'Let me look at the file first.', signature: 'EqQBCkYIARgCKkB' },
    { type: 'text', text: 'I will read the file. ✓ émoji 🎉 ok' },
    { type: 'tool_use', id: 'toolu_1', name: 'Read', input: { path: 'a.ts', lines: [1, 2], deep: { ok: true } } },
  ]).join('');
  const assembled = assembleStream(timed(chunkBytes(text, 13)));
  const message = assembled.message;
  assert.ok(message);
  assert.deepEqual(message.content, [
    { type: 'thinking', thinking: 'Let me look at the file first.', signature: 'EqQBCkYIARgCKkB' },
    { type: 'text', text: 'I will read the file. ✓ émoji 🎉 ok' },
    { type: 'tool_use', id: 'toolu_1', name: 'Read', input: { path: 'a.ts', lines: [1, 2], deep: { ok: true } } },
  ]);
  assert.equal(message.stop_reason, 'tool_use');
  assert.deepEqual(message.usage, { input_tokens: 120, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 42 });
  assert.equal(assembled.text, text);
});

test('every event carries the arrival time of the chunk that completed it', () => {
  const events = sseEvents([{ type: 'text', text: 'hi' }]);
  const chunks = events.map((e, i) => ({ ms: 100 + i * 5, bytes: new TextEncoder().encode(e) }));
  const assembled = assembleStream(chunks);
  assert.deepEqual(assembled.events.map((e) => e.ms), chunks.map((c) => c.ms));
});

test('the compact stream form rebuilds the received bytes exactly, with times', () => {
  const text = sseEvents([
    { type: 'text', text: 'Hello, world. '.repeat(20) },
    { type: 'tool_use', id: 'toolu_2', name: 'Bash', input: { command: 'ls -la', timeout: 5 } },
  ]).join('');
  const chunks = timed(chunkBytes(text, 17));
  const assembled = assembleStream(chunks);
  const stream = encodeStream(assembled, chunks);
  assert.equal(stream.form, 'events');
  const rebuilt = rebuildEvents(stream, assembled.message);
  assert.equal(rebuilt.map((e) => e.text).join(''), text);
  assert.deepEqual(rebuilt.map((e) => e.ms), assembled.events.map((e) => e.ms));
  // Deltas are stored as lengths, so the compact form is much smaller than the stream.
  assert.ok(JSON.stringify(stream).length < text.length / 2);
});

test('a stream the compact form cannot reproduce is kept verbatim with its chunk times', () => {
  const text = 'event: message_start\r\ndata: {"type":"message_start","message":{"id":"m","content":[]}}\r\n\r\n: a comment\n\n';
  const chunks = timed(chunkBytes(text, 10));
  const assembled = assembleStream(chunks);
  const stream = encodeStream(assembled, chunks);
  assert.equal(stream.form, 'raw');
  assert.equal(rebuildEvents(stream, assembled.message).map((e) => e.text).join(''), text);
});

test('a stream cut off mid-block is assembled as far as it got', () => {
  const text = sseEvents([{ type: 'text', text: 'partial answer that goes on' }]).join('');
  const cut = text.slice(0, text.indexOf('content_block_stop'));
  const assembled = assembleStream(timed(chunkBytes(cut, 20)));
  assert.ok(assembled.message);
  assert.match(String(assembled.message.content[0]?.text), /^partial answer/);
  assert.equal(assembled.message.stop_reason, null);
});

test('an error event mid-stream is captured', () => {
  const events = sseEvents([{ type: 'text', text: 'abc' }]).slice(0, 4);
  events.push('event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n');
  const assembled = assembleStream(timed(chunkBytes(events.join(''), 64)));
  assert.deepEqual(assembled.error, { type: 'overloaded_error', message: 'Overloaded' });
});
