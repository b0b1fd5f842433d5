/**
 * Recording through the real gateway, called with the official SDK: a multi-turn tool-use
 * conversation becomes one session with parent links whose requests rebuild to exactly what
 * the upstream received and whose streams rebuild to exactly what the client received;
 * failures and rejections are recorded and marked; no credential reaches the store.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import { createRecorder, type ScribeRecorder } from '../../src/record/index.ts';
import { RecordSet } from '../../src/replay/record-set.ts';
import { responseEvents } from '../../src/replay/restream.ts';
import { startCoreHarness, type CoreHarness } from '../support/core-gateway.ts';
import { configFor, storedRecords, storedText, tempDir } from './store-helpers.ts';

let harness: CoreHarness;
let recorder: ScribeRecorder;
let store: string;

before(async () => {
  const config = configFor(await tempDir('gateway'));
  store = config.store;
  recorder = await createRecorder(config, { log: () => {} });
  harness = await startCoreHarness({ parts: { recorder } });
});
after(() => harness.close());

/** The store once `count` exchanges have ended, been recorded and uploaded (the gateway ends an exchange after its last byte). */
const recordsOnce = async (count: number) => {
  for (;;) {
    await recorder.flush();
    const { recorded, pendingBytes } = recorder.stats();
    if (recorded >= count && pendingBytes === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return new RecordSet(await storedRecords(store));
};

test('a tool-use conversation through the SDK is one session whose requests and streams rebuild exactly', async () => {
  const client = new Anthropic({ baseURL: harness.url, apiKey: harness.token, maxRetries: 0 });
  harness.upstream.next({
    reply: {
      blocks: [
        { type: 'thinking', thinking: 'The user wants the weather; call the tool.', signature: 'sig-abc' },
        { type: 'text', text: 'Let me check.' },
        { type: 'tool_use', id: 'toolu_01', name: 'get_weather', input: { city: 'Paris', unit: 'celsius' } },
      ],
    },
  });
  harness.upstream.next({ reply: { blocks: [{ type: 'text', text: 'It is 21°C and sunny in Paris.' }] } });
  const tools = [{ name: 'get_weather', description: 'Current weather for a city', input_schema: { type: 'object' as const, properties: { city: { type: 'string' } } } }];
  const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'Weather in Paris?' }];
  const first = await client.messages.stream({ model: 'claude-sonnet-5-5', max_tokens: 1024, tools, messages }).finalMessage();
  messages.push({ role: 'assistant', content: first.content });
  messages.push({ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01', content: '21°C, sunny' }] });
  const second = await client.messages.stream({ model: 'claude-sonnet-5-5', max_tokens: 1024, tools, messages }).finalMessage();
  assert.equal(second.stop_reason, 'end_turn');

  const set = await recordsOnce(2);
  const calls = harness.upstream.calls.slice(-2);
  const records = set.records.slice(-2);
  assert.equal(records.length, 2);
  const [a, b] = records as [(typeof records)[0], (typeof records)[0]];
  assert.equal(b.parent, a.id);
  assert.equal(b.session.id, a.session.id);
  assert.equal(b.session.source, 'inferred');
  for (const [i, record] of records.entries()) {
    assert.equal(record.identity?.subject, 'dev@example.com');
    assert.equal(record.outcome.status, 'complete');
    assert.deepEqual(await set.requestBody(record.id), new Uint8Array(calls[i]?.body ?? []));
    const replayed = (await responseEvents(record)).map((e) => e.text).join('');
    assert.equal(replayed, calls[i]?.sent.toString());
  }
  assert.deepEqual(a.response?.message?.content, first.content);
  assert.equal(a.usage?.output_tokens, first.usage.output_tokens);
  const body = b.request.body;
  assert.ok(body.form === 'json' && body.history?.parent === a.id, 'the second request is stored as a delta');
});

test('an error event mid-stream is recorded as an upstream error with what arrived', async () => {
  const client = new Anthropic({ baseURL: harness.url, apiKey: harness.token, maxRetries: 0 });
  harness.upstream.next({ reply: { blocks: [{ type: 'text', text: 'This answer will be cut short by an error.' }] }, errorAfterEvents: 4 });
  await assert.rejects(client.messages.stream({ model: 'claude-sonnet-5-5', max_tokens: 10, messages: [{ role: 'user', content: 'go' }] }).finalMessage());
  const set = await recordsOnce(3);
  const record = set.records.at(-1);
  assert.equal(record?.outcome.status, 'upstream_error');
  assert.ok(record?.response?.error);
  assert.ok(String(record?.response?.message?.content[0]?.text ?? '').length > 0);
});

test('a rejected caller is recorded without identity or token', async () => {
  const badToken = 'not-a-valid-token-but-secret-looking-0123456789';
  const client = new Anthropic({ baseURL: harness.url, apiKey: badToken, maxRetries: 0 });
  await assert.rejects(client.messages.create({ model: 'claude-sonnet-5-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }));
  const set = await recordsOnce(4);
  const record = set.records.at(-1);
  assert.equal(record?.outcome.status, 'rejected');
  assert.equal(record?.identity, null);
  assert.equal(record?.response?.status, 401);
  const text = await storedText(store);
  assert.ok(!text.includes(badToken));
  assert.ok(!text.includes(harness.token));
  assert.ok(!text.includes(harness.upstream.apiKey));
});
