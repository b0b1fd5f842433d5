import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { startCoreHarness, type CoreHarness } from '../support/core-gateway.ts';

let h: CoreHarness;
let client: Anthropic;
before(async () => {
  h = await startCoreHarness();
  client = new Anthropic({ baseURL: h.url, apiKey: h.token, maxRetries: 0 });
});
after(() => h.close());

test('a non-streaming message comes back as the upstream sent it', async () => {
  h.upstream.next({ reply: { blocks: [{ type: 'text', text: 'Plain answer.' }] } });
  const message = await client.messages.create({ model: 'claude-sonnet-5-5', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] });
  assert.equal(message.content[0]?.type, 'text');
  assert.equal((message.content[0] as { text: string }).text, 'Plain answer.');
  assert.equal(message.usage.output_tokens, 34);
});

test('a stream delivers every delta and finalMessage assembles it', async () => {
  const text = 'Streaming through the gateway, one delta at a time. 🚀 ünïcödé';
  h.upstream.next({ reply: { blocks: [{ type: 'text', text }], deltaSize: 3 } });
  const stream = client.messages.stream({ model: 'claude-sonnet-5-5', max_tokens: 64, messages: [{ role: 'user', content: 'stream' }] });
  const deltas: string[] = [];
  stream.on('text', (piece) => deltas.push(piece));
  const message = await stream.finalMessage();
  assert.equal(deltas.join(''), text);
  assert.ok(deltas.length > 10);
  assert.equal((message.content[0] as { text: string }).text, text);
});

test('tool use round trip: input_json_delta assembles into the tool input', async () => {
  const input = { city: 'Zürich', days: 3, units: { temp: 'C' } };
  h.upstream.next({ reply: { blocks: [{ type: 'text', text: 'Let me check.' }, { type: 'tool_use', id: 'toolu_01', name: 'get_weather', input }], deltaSize: 4 } });
  const tools = [{ name: 'get_weather', description: 'weather', input_schema: { type: 'object' as const, properties: { city: { type: 'string' } } } }];
  const message = await client.messages
    .stream({ model: 'claude-sonnet-5-5', max_tokens: 64, tools, messages: [{ role: 'user', content: 'weather?' }] })
    .finalMessage();
  assert.equal(message.stop_reason, 'tool_use');
  const toolUse = message.content.find((b) => b.type === 'tool_use');
  assert.deepEqual(toolUse && 'input' in toolUse ? toolUse.input : undefined, input);

  h.upstream.next({ reply: { blocks: [{ type: 'text', text: 'It is sunny.' }] } });
  const followUp = await client.messages.create({
    model: 'claude-sonnet-5-5', max_tokens: 64, tools,
    messages: [
      { role: 'user', content: 'weather?' },
      { role: 'assistant', content: message.content },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01', content: 'sunny' }] },
    ],
  });
  assert.equal((followUp.content[0] as { text: string }).text, 'It is sunny.');
  const forwarded = JSON.parse(h.upstream.calls.at(-1)!.body.toString());
  assert.equal(forwarded.messages[2].content[0].type, 'tool_result');
});

test('thinking blocks and their signatures come back byte-exact', async () => {
  const signature = 'EqQBCkYIBxgCKkBk1t+signature/with+base64==';
  h.upstream.next({ reply: { blocks: [{ type: 'thinking', thinking: 'Let me think… step 1.', signature }, { type: 'text', text: 'Done.' }] } });
  const message = await client.messages
    .stream({ model: 'claude-sonnet-5-5', max_tokens: 2048, thinking: { type: 'enabled', budget_tokens: 1024 }, messages: [{ role: 'user', content: 'think' }] })
    .finalMessage();
  const thinking = message.content[0] as { type: string; thinking: string; signature: string };
  assert.equal(thinking.type, 'thinking');
  assert.equal(thinking.thinking, 'Let me think… step 1.');
  assert.equal(thinking.signature, signature);
});

test('count_tokens and models go through', async () => {
  const counted = await client.messages.countTokens({ model: 'claude-sonnet-5-5', messages: [{ role: 'user', content: 'count me' }] });
  assert.ok(counted.input_tokens > 0);
  const models = await client.models.list();
  assert.deepEqual(models.data.map((m) => m.id), ['claude-sonnet-5-5', 'claude-opus-5-5']);
  const one = await client.models.retrieve('claude-opus-5-5');
  assert.equal(one.id, 'claude-opus-5-5');
});

test('message batches endpoints go through', async () => {
  const batch = await client.messages.batches.create({
    requests: [{ custom_id: 'one', params: { model: 'claude-sonnet-5-5', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] } }],
  });
  assert.equal(batch.id, 'msgbatch_test1');
  assert.equal((await client.messages.batches.retrieve(batch.id)).id, batch.id);
  const listed = await client.messages.batches.list();
  assert.equal(listed.data.length, 1);
  assert.equal((await client.messages.batches.cancel(batch.id)).processing_status, 'canceling');
  assert.equal((await client.messages.batches.delete(batch.id)).type, 'message_batch_deleted');
});

test('upstream 429, 500 and 529 reach the SDK as the upstream sent them', async () => {
  for (const [status, type] of [[429, 'rate_limit_error'], [500, 'api_error'], [529, 'overloaded_error']] as const) {
    h.upstream.next({ status, error: { type, message: `upstream says ${status}` }, headers: { 'retry-after': '7' } });
    await assert.rejects(
      client.messages.create({ model: 'claude-sonnet-5-5', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }),
      (error: InstanceType<typeof Anthropic.APIError>) => {
        assert.equal(error.status, status);
        assert.equal((error.error as { error: { type: string } }).error.type, type);
        assert.equal(error.headers?.get('retry-after'), '7');
        return true;
      },
    );
  }
});

test('an error event mid-stream reaches the SDK as an error', async () => {
  h.upstream.next({ errorAfterEvents: 4 });
  const stream = client.messages.stream({ model: 'claude-sonnet-5-5', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] });
  await assert.rejects(stream.finalMessage(), /Overloaded/);
});
