/**
 * Routing of the two call formats: Vertex AI format paths are served on the default
 * connection and on /c/<name>; only the Claude endpoints Vertex AI has are accepted; an
 * Anthropic-format caller reaches a Vertex connection; prompt masking applies to what is
 * forwarded in either format.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import { matchRoute, vertexAddress } from '../../src/proxy/routes.ts';
import { AN, gen } from '../mask/fixtures.ts';
import { startVertexHarness, type VertexHarness } from '../support/vertex-gateway.ts';

const secret = `ghp_${gen(AN, 36)}`;
let h: VertexHarness;
before(async () => {
  h = await startVertexHarness((vertex) => ({
    'vertex-masked': { type: 'vertex', projectId: vertex.project, region: vertex.region, baseUrl: vertex.url, prompts: 'mask' },
  }));
});
after(() => h.close());

const vertexPath = (model: string, method: string) => `/v1/projects/p1/locations/us-east5/publishers/anthropic/models/${model}:${method}`;

function post(path: string, body: unknown): Promise<Response> {
  return fetch(`${h.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${h.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

test('Vertex paths name project, region, model and method; count-tokens is count_tokens', () => {
  assert.deepEqual(vertexAddress(vertexPath('claude-sonnet-4@20250514', 'streamRawPredict')), {
    project: 'p1', region: 'us-east5', model: 'claude-sonnet-4@20250514', method: 'streamRawPredict',
  });
  assert.equal(matchRoute('POST', vertexPath('claude-sonnet-5-5', 'rawPredict')), 'messages');
  assert.equal(matchRoute('POST', vertexPath('count-tokens', 'rawPredict')), 'count_tokens');
  for (const path of [
    vertexPath('count-tokens', 'streamRawPredict'),
    vertexPath('claude-sonnet-5-5', 'predict'),
    '/v1/projects/p1/locations/us-east5/publishers/google/models/gemini-2.0:generateContent',
    '/v1/projects/p1/locations/us-east5/publishers/anthropic/models/claude/extra:rawPredict',
    '/v1/projects/p1/locations/us-east5/publishers/anthropic/models/%E0%A4%A:rawPredict',
  ]) assert.equal(matchRoute('POST', path), undefined, path);
  assert.equal(matchRoute('GET', vertexPath('claude-sonnet-5-5', 'rawPredict')), undefined);
});

test('a Vertex AI endpoint that is not Claude\'s is a 404 in the Anthropic shape and reaches no upstream', async () => {
  const before = h.vertex.calls.length + h.vertex.refused.length + h.upstream.calls.length;
  const response = await post('/c/vertex/v1/projects/p1/locations/us-east5/publishers/google/models/gemini-2.0:generateContent', { contents: [] });
  assert.equal(response.status, 404);
  assert.equal((await response.json()).error.type, 'not_found_error');
  assert.equal(h.vertex.calls.length + h.vertex.refused.length + h.upstream.calls.length, before);
});

test('an Anthropic-format caller (the official SDK) reaches the Vertex connection, streaming and not', async () => {
  const client = new Anthropic({ baseURL: `${h.url}/c/vertex`, apiKey: h.token, maxRetries: 0 });
  const ask = { model: 'claude-opus-5-5', max_tokens: 32, messages: [{ role: 'user' as const, content: 'Hi' }] };
  const plain = await client.messages.create(ask);
  assert.equal(plain.content[0]?.type === 'text' && plain.content[0].text, 'Hello from Vertex AI.');
  const streamed = await client.messages.stream(ask).finalMessage();
  assert.equal(streamed.content[0]?.type === 'text' && streamed.content[0].text, 'Hello from Vertex AI.');
  const [first, second] = h.vertex.calls.slice(-2);
  assert.deepEqual([first?.model, first?.method, second?.method], ['claude-opus-5-5', 'rawPredict', 'streamRawPredict']);
  assert.equal(first?.body.anthropic_version, 'vertex-2023-10-16');
});

test('the project and region in the caller\'s path do not pick the upstream: the connection\'s own do', async () => {
  const response = await post(`/c/vertex${vertexPath('claude-sonnet-5-5', 'rawPredict')}`, { anthropic_version: 'vertex-2023-10-16', max_tokens: 8, messages: [{ role: 'user', content: 'x' }] });
  assert.equal(response.status, 200);
  const call = h.vertex.calls.at(-1)!;
  assert.deepEqual([call.project, call.region], [h.vertex.project, h.vertex.region]);
});

test('prompt masking on a Vertex connection masks what is forwarded, in both caller formats', async () => {
  const prompt = { role: 'user', content: `deploy with ${secret}` };
  const vertexFormat = await post(`/c/vertex-masked${vertexPath('claude-sonnet-5-5', 'rawPredict')}`, { anthropic_version: 'vertex-2023-10-16', max_tokens: 8, messages: [prompt] });
  assert.equal(vertexFormat.status, 200);
  assert.deepEqual(h.vertex.calls.at(-1)!.body.messages, [{ role: 'user', content: 'deploy with ghp_[REDACTED:github-pat]' }]);
  const anthropicFormat = await post('/c/vertex-masked/v1/messages', { model: 'claude-sonnet-5-5', max_tokens: 8, messages: [prompt] });
  assert.equal(anthropicFormat.status, 200);
  assert.deepEqual(h.vertex.calls.at(-1)!.body.messages, [{ role: 'user', content: 'deploy with ghp_[REDACTED:github-pat]' }]);
});

test('a Vertex-format body that is not a JSON object, sent to an Anthropic connection, is a clear 400', async () => {
  const before = h.upstream.calls.length;
  const response = await fetch(`${h.url}${vertexPath('claude-sonnet-5-5', 'rawPredict')}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${h.token}`, 'content-type': 'application/json' },
    body: '[1,2]',
  });
  assert.equal(response.status, 400);
  assert.match((await response.json()).error.message, /JSON object/);
  assert.equal(h.upstream.calls.length, before);
});
