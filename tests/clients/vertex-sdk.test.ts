/**
 * @anthropic-ai/vertex-sdk as a client of the gateway, its base URL pointed at a connection:
 * the caller's OIDC token goes where the SDK puts Google credentials (an AuthClient's request
 * headers), the gateway swaps it for its own Google token, and the call reaches Vertex AI
 * with the body unchanged, or the Anthropic API mapped, streaming and not. Records keep the
 * format the caller spoke.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { AnthropicVertex } from '@anthropic-ai/vertex-sdk';
import { RecordSet } from '../../src/replay/record-set.ts';
import { startVertexHarness, type VertexHarness } from '../support/vertex-gateway.ts';

let h: VertexHarness;
before(async () => {
  h = await startVertexHarness();
});
after(() => h.close());

/** What the SDK asks a Google AuthClient for: here, the caller's gateway token. */
function callerCredentials(token: string) {
  return { projectId: null, getRequestHeaders: async () => new Headers({ authorization: `Bearer ${token}` }) } as unknown as ConstructorParameters<typeof AnthropicVertex>[0] extends infer O ? O extends { authClient?: infer A } ? A : never : never;
}

function client(connectionPath: string, token = h.token): AnthropicVertex {
  return new AnthropicVertex({
    baseURL: `${h.url}${connectionPath}/v1`,
    region: 'europe-west1',
    projectId: 'caller-project',
    authClient: callerCredentials(token),
    maxRetries: 0,
  });
}

const ask = { model: 'claude-sonnet-5-5', max_tokens: 64, messages: [{ role: 'user' as const, content: 'Hello?' }] };

test('a non-streamed message reaches Vertex AI unchanged, with the gateway\'s Google token, in the gateway\'s project', async () => {
  const before = h.vertex.calls.length;
  const message = await client('/c/vertex').messages.create(ask);
  assert.equal(message.content[0]?.type === 'text' && message.content[0].text, 'Hello from Vertex AI.');
  const call = h.vertex.calls.at(-1)!;
  assert.equal(h.vertex.calls.length, before + 1);
  assert.deepEqual([call.project, call.region, call.model, call.method], [h.vertex.project, h.vertex.region, 'claude-sonnet-5-5', 'rawPredict']);
  assert.equal(call.headers.authorization, `Bearer ${h.vertex.accessToken}`);
  assert.ok(!JSON.stringify(call.headers).includes(h.token), 'the caller token never reaches Vertex AI');
  assert.equal(typeof call.body.anthropic_version, 'string');
  assert.deepEqual(call.body.messages, ask.messages);
});

test('a streamed message arrives as Messages SSE from streamRawPredict', async () => {
  h.vertex.respondWith(() => ({ blocks: [{ type: 'text', text: 'Streamed through the gateway from Vertex.' }], deltaSize: 3 }));
  try {
    const stream = client('/c/vertex').messages.stream(ask);
    let deltas = 0;
    stream.on('text', () => deltas++);
    const message = await stream.finalMessage();
    assert.equal(message.content[0]?.type === 'text' && message.content[0].text, 'Streamed through the gateway from Vertex.');
    assert.ok(deltas > 5, `expected many text deltas, got ${deltas}`);
    assert.equal(h.vertex.calls.at(-1)!.method, 'streamRawPredict');
  } finally {
    h.vertex.respondWith(undefined);
  }
});

test('count_tokens goes to the count-tokens model', async () => {
  const counted = await client('/c/vertex').messages.countTokens({ model: 'claude-sonnet-5-5', messages: ask.messages });
  assert.equal(counted.input_tokens, 42);
  assert.equal(h.vertex.calls.at(-1)!.model, 'count-tokens');
});

test('on an Anthropic connection the Vertex call is mapped: model from the path into the body, anthropic_version out', async () => {
  const before = h.upstream.calls.length;
  const streamed = await client('').messages.stream(ask).finalMessage();
  assert.equal(streamed.content[0]?.type === 'text' && streamed.content[0].text, 'Hello from the test upstream.');
  const plain = await client('').messages.create(ask);
  assert.equal(plain.content[0]?.type === 'text' && plain.content[0].text, 'Hello from the test upstream.');
  const calls = h.upstream.calls.slice(before);
  assert.deepEqual(calls.map((call) => call.path), ['/v1/messages', '/v1/messages']);
  const [first, second] = calls.map((call) => JSON.parse(call.body.toString()));
  assert.equal(first.model, 'claude-sonnet-5-5');
  assert.equal(first.stream, true);
  assert.equal(first.anthropic_version, undefined);
  assert.equal(second.stream, undefined);
  assert.equal(calls[0]!.headers['anthropic-version'], '2023-06-01');
  assert.equal(calls[0]!.headers['x-api-key'], h.upstream.apiKey);
});

test('records keep the Vertex format the caller spoke, and the request rebuilds to exactly what it sent', async () => {
  const response = await fetch(`${h.url}/c/vertex/v1/projects/caller-project/locations/europe-west1/publishers/anthropic/models/claude-sonnet-5-5:rawPredict`, {
    method: 'POST',
    headers: { authorization: `Bearer ${h.token}`, 'content-type': 'application/json', 'anthropic-beta': 'b1' },
    body: JSON.stringify({ anthropic_version: 'vertex-2023-10-16', max_tokens: 64, messages: [{ role: 'user', content: 'Record me.' }] }),
  });
  assert.equal(response.status, 200);
  const id = response.headers.get('x-scribe-exchange-id')!;
  const set = new RecordSet(await h.records(5));
  const record = set.get(id)!;
  assert.equal(record.format, 'vertex');
  assert.equal(record.model, 'claude-sonnet-5-5');
  assert.equal(record.connection, 'vertex');
  assert.equal(record.identity?.subject, 'dev@example.com');
  assert.equal(record.request.path, '/v1/projects/caller-project/locations/europe-west1/publishers/anthropic/models/claude-sonnet-5-5:rawPredict');
  assert.equal(record.request.headers['anthropic-beta'], 'b1');
  assert.equal(record.response?.message?.content[0]?.text, 'Hello from Vertex AI.');
  const rebuilt = JSON.parse(new TextDecoder().decode(await set.requestBody(id)));
  assert.deepEqual(rebuilt, { anthropic_version: 'vertex-2023-10-16', max_tokens: 64, messages: [{ role: 'user', content: 'Record me.' }] });
  const anthropicRecords = (await h.records(5)).filter((r) => r.connection === 'default');
  assert.equal(anthropicRecords.length, 2);
  assert.ok(anthropicRecords.every((r) => r.format === 'vertex' && r.request.path.endsWith(':streamRawPredict') !== (r.request.path.endsWith(':rawPredict'))), 'the mapped calls are recorded as the caller spoke them');
});

test('a caller token the gateway does not trust is refused before any upstream call', async () => {
  const before = h.vertex.calls.length + h.vertex.refused.length;
  await assert.rejects(client('/c/vertex', 'not-a-token').messages.create(ask), (error: { status?: number }) => error.status === 401);
  assert.equal(h.vertex.calls.length + h.vertex.refused.length, before);
});
