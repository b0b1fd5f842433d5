import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageWatcher } from '../../src/stream/usage.ts';

const encode = (text: string) => new TextEncoder().encode(text);

test('input tokens come from the first chunks, the final output tokens from the last ones', () => {
  const usage = new UsageWatcher();
  usage.chunk(encode('event: message_start\ndata: {"type":"message_start","message":{"usage":{"input_tokens":30,"output_tokens":1}}}\n\n'));
  const filler = encode(`event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"${'x'.repeat(300)}"}}\n\n`);
  for (let i = 0; i < 50; i++) usage.chunk(filler);
  // An interim count in the tail window, then the final one: the last in stream order wins.
  usage.chunk(encode('event: message_delta\ndata: {"type":"message_delta","usage":{"output_tokens":5}}\n\n'));
  usage.chunk(filler);
  usage.chunk(encode('event: message_delta\ndata: {"type":"message_delta","usage":{"output_tokens":77}}\n\n'));
  usage.chunk(encode('event: message_stop\ndata: {"type":"message_stop"}\n\n'));
  assert.equal(usage.total(), 30 + 77);
});

test('a response without usage counts nothing', () => {
  const usage = new UsageWatcher();
  usage.chunk(encode('{"type":"error","error":{"type":"api_error","message":"boom"}}'));
  assert.equal(usage.total(), 0);
});

test('a stream\'s input tokens and model are read from its first event, with deltas after it in the same chunk', () => {
  const usage = new UsageWatcher();
  usage.chunk(encode('event: message_start\ndata: {"type":"message_start","message":{"model":"claude-sonnet-5-5","usage":{"input_tokens":12,"cache_creation_input_tokens":3,"output_tokens":1}}}\n\n'
    + `event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"hello"}}\n\n`));
  usage.chunk(encode('event: message_delta\ndata: {"type":"message_delta","usage":{"output_tokens":9}}\n\n'));
  assert.deepEqual(usage.usage(), { input: 15, output: 9, model: 'claude-sonnet-5-5' });
});

test('a JSON answer, with no events, is read whole for its usage', () => {
  const usage = new UsageWatcher();
  usage.chunk(encode('{"id":"msg_1","model":"claude-sonnet-5-5","content":[{"type":"text","text":"hi"}],"usage":{"input_tokens":4,"output_tokens":2}}'));
  assert.deepEqual(usage.usage(), { input: 4, output: 2, model: 'claude-sonnet-5-5' });
});
