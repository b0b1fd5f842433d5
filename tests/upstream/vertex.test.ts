import { test } from 'node:test';
import assert from 'node:assert/strict';
import { vertexConnection } from '../../src/upstream/vertex.ts';
import { anthropicConnection } from '../../src/upstream/anthropic.ts';
import { GatewayError } from '../../src/http/errors.ts';
import type { UpstreamCall } from '../../src/upstream/connection.ts';
import { HeaderList } from '../../src/http/header-list.ts';

const config = { type: 'vertex' as const, projectId: 'my-project', region: 'us-east5' };

function call(path: string, json: unknown, method = 'POST'): UpstreamCall {
  const body = json === undefined ? undefined : new TextEncoder().encode(JSON.stringify(json));
  return { method, path, query: '', headers: new HeaderList({ 'anthropic-beta': 'x', 'content-type': 'application/json' }), body, json };
}

test('a streamed message goes to the model\'s streamRawPredict with the model moved out of the body', async () => {
  const vertex = await vertexConnection('vertex', config, async () => 'ya29.test-token');
  const prepared = await vertex.prepare(call('/v1/messages', { model: 'claude-sonnet-5-5', max_tokens: 5, stream: true, messages: [] }));
  assert.equal(prepared.url, 'https://us-east5-aiplatform.googleapis.com/v1/projects/my-project/locations/us-east5/publishers/anthropic/models/claude-sonnet-5-5:streamRawPredict');
  assert.equal(prepared.headers.get('authorization'), 'Bearer ya29.test-token');
  assert.equal(prepared.headers.get('anthropic-beta'), 'x');
  const body = JSON.parse(new TextDecoder().decode(prepared.body));
  assert.equal(body.model, undefined);
  assert.equal(body.anthropic_version, 'vertex-2023-10-16');
  assert.equal(body.stream, true);
});

test('a non-streamed message uses rawPredict; the global region uses the global host', async () => {
  const vertex = await vertexConnection('vertex', { ...config, region: 'global' }, async () => 't');
  const prepared = await vertex.prepare(call('/v1/messages', { model: 'claude-opus-5-5', max_tokens: 5, messages: [] }));
  assert.equal(prepared.url, 'https://aiplatform.googleapis.com/v1/projects/my-project/locations/global/publishers/anthropic/models/claude-opus-5-5:rawPredict');
});

test('count_tokens goes to the count-tokens model and keeps the model in the body', async () => {
  const vertex = await vertexConnection('vertex', config, async () => 't');
  const prepared = await vertex.prepare(call('/v1/messages/count_tokens', { model: 'claude-sonnet-5-5', messages: [] }));
  assert.match(prepared.url, /\/publishers\/anthropic\/models\/count-tokens:rawPredict$/);
  assert.equal(JSON.parse(new TextDecoder().decode(prepared.body)).model, 'claude-sonnet-5-5');
});

test('routes Vertex AI does not serve, and bodies it cannot rewrite, are clear errors', async () => {
  const vertex = await vertexConnection('vertex', config, async () => 't');
  await assert.rejects(vertex.prepare(call('/v1/models', undefined, 'GET')), (error: GatewayError) => error.status === 404 && error.type === 'not_found_error');
  await assert.rejects(vertex.prepare(call('/v1/messages', undefined)), (error: GatewayError) => error.status === 400 && /JSON object/.test(error.message));
  await assert.rejects(vertex.prepare(call('/v1/messages', { max_tokens: 1 })), (error: GatewayError) => error.status === 400 && /model/.test(error.message));
});

test('a Vertex-format call goes to this connection\'s project and region with its body byte for byte', async () => {
  const vertex = await vertexConnection('vertex', config, async () => 'ya29.t');
  const bytes = new TextEncoder().encode('{"anthropic_version":"vertex-2023-10-16", "max_tokens":5,"messages":[]}');
  const prepared = await vertex.prepare({
    ...call('/v1/projects/caller/locations/europe-west4/publishers/anthropic/models/claude-sonnet-4@20250514:streamRawPredict', undefined),
    body: bytes,
    vertex: { project: 'caller', region: 'europe-west4', model: 'claude-sonnet-4@20250514', method: 'streamRawPredict' },
  });
  assert.equal(prepared.url, 'https://us-east5-aiplatform.googleapis.com/v1/projects/my-project/locations/us-east5/publishers/anthropic/models/claude-sonnet-4@20250514:streamRawPredict');
  assert.equal(prepared.body, bytes);
  assert.equal(prepared.headers.get('authorization'), 'Bearer ya29.t');
});

test('the multi-region endpoints have their own hosts', async () => {
  const us = await vertexConnection('vertex', { ...config, region: 'us' }, async () => 't');
  assert.match(us.target, /^https:\/\/aiplatform\.us\.rep\.googleapis\.com\/v1\/projects\/my-project\/locations\/us\//);
});

test('on an Anthropic connection a Vertex-format call is mapped: model into the body, anthropic_version out, version header set', async () => {
  const anthropic = anthropicConnection('default', 'https://api.example.test/', 'sk-upstream');
  const address = { project: 'p', region: 'r', model: 'claude-sonnet-5-5', method: 'streamRawPredict' as const };
  const json = { anthropic_version: 'vertex-2023-10-16', max_tokens: 5, messages: [] };
  const streamed = await anthropic.prepare({ ...call('/v1/projects/p/locations/r/publishers/anthropic/models/claude-sonnet-5-5:streamRawPredict', json), headers: new HeaderList(), vertex: address });
  assert.equal(streamed.url, 'https://api.example.test/v1/messages');
  assert.deepEqual(JSON.parse(new TextDecoder().decode(streamed.body)), { model: 'claude-sonnet-5-5', max_tokens: 5, messages: [], stream: true });
  assert.equal(streamed.headers.get('anthropic-version'), '2023-06-01');
  assert.equal(streamed.headers.get('x-api-key'), 'sk-upstream');
  const counted = await anthropic.prepare({ ...call('/v1/projects/p/locations/r/publishers/anthropic/models/count-tokens:rawPredict', { ...json, model: 'claude-opus-5-5' }), vertex: { ...address, model: 'count-tokens', method: 'rawPredict' } });
  assert.equal(counted.url, 'https://api.example.test/v1/messages/count_tokens');
  assert.deepEqual(JSON.parse(new TextDecoder().decode(counted.body)), { max_tokens: 5, messages: [], model: 'claude-opus-5-5' });
});
