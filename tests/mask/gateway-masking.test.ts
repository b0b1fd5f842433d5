/**
 * End to end: the official SDK through the gateway, with masking on, in front of the test
 * upstream. Streamed text, tool input and non-streamed bodies reach the caller redacted;
 * thinking comes back byte-exact; the findings go to the recorder.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { createMasker } from '../../src/mask/index.ts';
import type { RedactionFinding } from '../../src/mask/finding.ts';
import type { Recorder } from '../../src/record/recorder.ts';
import { startCoreHarness, type CoreHarness } from '../support/core-gateway.ts';
import { AN, config, gen } from './fixtures.ts';

const github = `ghp_${gen(AN, 36)}`;
const stripe = `sk_live_${gen(AN, 40)}`;
const findings: RedactionFinding[] = [];
const recorder: Recorder = {
  begin: () => ({ response() {}, chunk() {}, finding: (f) => findings.push(f), end() {} }),
  accepting: () => true,
  close: async () => {},
};

let h: CoreHarness;
let client: Anthropic;
before(async () => {
  const masker = createMasker(config({ prompts: { '*': 'block' } }));
  h = await startCoreHarness({ parts: { masker, recorder } });
  client = new Anthropic({ baseURL: h.url, apiKey: h.token, maxRetries: 0 });
});
after(() => h.close());

const ask = { model: 'claude-sonnet-5-5', max_tokens: 64, messages: [{ role: 'user' as const, content: 'hi' }] };

test('streamed text: a secret split over many deltas reaches the SDK redacted', async () => {
  findings.length = 0;
  const text = `Here is the token you asked for: ${github} — keep it safe. 🚀`;
  h.upstream.next({ reply: { blocks: [{ type: 'text', text }], deltaSize: 3 } });
  const stream = client.messages.stream(ask);
  const deltas: string[] = [];
  stream.on('text', (piece) => deltas.push(piece));
  const message = await stream.finalMessage();
  const expected = 'Here is the token you asked for: ghp_[REDACTED:github-pat] — keep it safe. 🚀';
  assert.equal(deltas.join(''), expected);
  assert.equal((message.content[0] as { text: string }).text, expected);
  assert.deepEqual(findings.map((f) => [f.rule, f.where, f.block, f.original]), [['github-pat', 'response', 0, github.slice(4)]]);
});

test('streamed tool input: the secret inside the JSON string is redacted, the input is valid', async () => {
  findings.length = 0;
  const input = { command: `curl -H "Authorization: token ${github}" https://api.github.com`, env: { STRIPE_KEY: stripe } };
  h.upstream.next({ reply: { blocks: [{ type: 'text', text: 'Running it.' }, { type: 'tool_use', id: 'toolu_01', name: 'bash', input }], deltaSize: 5 } });
  const tools = [{ name: 'bash', description: 'shell', input_schema: { type: 'object' as const, properties: { command: { type: 'string' } } } }];
  const message = await client.messages.stream({ ...ask, tools }).finalMessage();
  const toolUse = message.content.find((b) => b.type === 'tool_use') as { input: typeof input };
  assert.deepEqual(toolUse.input, {
    command: 'curl -H "Authorization: token ghp_[REDACTED:github-pat]" https://api.github.com',
    env: { STRIPE_KEY: 'sk_live_[REDACTED:stripe-secret-key]' },
  });
  assert.deepEqual(findings.map((f) => f.rule).sort(), ['github-pat', 'stripe-secret-key']);
});

test('non-streamed body: text and tool input are redacted', async () => {
  h.upstream.next({ reply: { blocks: [{ type: 'text', text: `Use ${stripe}.` }, { type: 'tool_use', id: 'toolu_02', name: 'bash', input: { t: github } }] } });
  const message = await client.messages.create(ask);
  assert.equal((message.content[0] as { text: string }).text, 'Use sk_live_[REDACTED:stripe-secret-key].');
  assert.deepEqual((message.content[1] as { input: unknown }).input, { t: 'ghp_[REDACTED:github-pat]' });
});

test('thinking and its signature come back byte-exact, streamed and not', async () => {
  findings.length = 0;
  const thinking = { type: 'thinking' as const, thinking: `The pasted key ${github} must not be repeated.`, signature: 'EqQBCkYIBxgCKkBk1t+sig/with+base64==' };
  h.upstream.next({ reply: { blocks: [thinking, { type: 'text', text: 'Done.' }], deltaSize: 4 } });
  const streamed = await client.messages.stream(ask).finalMessage();
  assert.deepEqual(streamed.content[0], thinking);
  assert.deepEqual(findings.map((f) => [f.rule, f.kind]), [['github-pat', 'noted']]);

  h.upstream.next({ reply: { blocks: [thinking, { type: 'text', text: 'Done.' }] } });
  const plain = await client.messages.create(ask);
  assert.deepEqual(plain.content[0], thinking);
});

test('the raw stream the client receives holds no part of the secret', async () => {
  h.upstream.next({ reply: { blocks: [{ type: 'text', text: `a ${github} b` }], deltaSize: 2 } });
  const response = await fetch(`${h.url}/v1/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${h.token}`, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
    body: JSON.stringify({ ...ask, stream: true }),
  });
  const raw = await response.text();
  // The prefix went out in its own two-character deltas ("gh", "p_"), then the placeholder.
  assert.ok(raw.includes('"text":"p_"') && raw.includes('[REDACTED:github-pat]'));
  assert.ok(!raw.includes(github.slice(4, 10)) && !raw.includes(github.slice(30)));
});

test('a prompt with a secret, where the policy blocks, is refused with a 400 naming the rule', async () => {
  await assert.rejects(
    client.messages.create({ ...ask, messages: [{ role: 'user', content: `my key is ${github}` }] }),
    (error: unknown) => {
      assert.ok(error instanceof Anthropic.BadRequestError);
      assert.match(error.message, /github-pat/);
      assert.ok(!error.message.includes(github));
      return true;
    },
  );
});

test('a prompt with a secret, where the policy masks, reaches the upstream masked', async () => {
  const masking = await startCoreHarness({ parts: { masker: createMasker(config({ prompts: { '*': 'mask' } })), recorder } });
  try {
    const sdk = new Anthropic({ baseURL: masking.url, apiKey: masking.token, maxRetries: 0 });
    await sdk.messages.create({ ...ask, messages: [{ role: 'user', content: `deploy with ${github}` }] });
    const forwarded = JSON.parse(masking.upstream.calls.at(-1)!.body.toString());
    assert.equal(forwarded.messages[0].content, 'deploy with ghp_[REDACTED:github-pat]');
  } finally {
    await masking.close();
  }
});
