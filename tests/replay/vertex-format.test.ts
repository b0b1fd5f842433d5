/**
 * Replay of an exchange a caller made in the Vertex AI format: the request rebuilds to the
 * exact Vertex body, and `scribe replay --to` sends it again as a Vertex AI call (the
 * recorded path), which the gateway serves again as one.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startVertexHarness, type VertexHarness } from '../support/vertex-gateway.ts';
import { runScribe } from '../support/scribe-cli.ts';

let h: VertexHarness;
before(async () => {
  h = await startVertexHarness();
});
after(() => h.close());

test('a Vertex-format exchange replays as a Vertex-format call', async () => {
  const sent = '{"anthropic_version":"vertex-2023-10-16","max_tokens":16,"stream":true,"messages":[{"role":"user","content":"Replay me."}]}';
  const path = '/v1/projects/team/locations/us-east5/publishers/anthropic/models/claude-sonnet-5-5:streamRawPredict';
  const response = await fetch(`${h.url}/c/vertex${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${h.token}`, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
    body: sent,
  });
  await response.text();
  const id = response.headers.get('x-scribe-exchange-id')!;
  await h.records(1);

  const request = await runScribe(['replay', id, '--request', '--store', h.store]);
  assert.equal(request.code, 0, request.stderr);
  assert.equal(request.stdout, sent);

  const before = h.vertex.calls.length;
  const resent = await runScribe(['replay', id, '--store', h.store, '--to', `${h.url}/c/vertex`, '--token', h.token]);
  assert.equal(resent.code, 0, resent.stderr);
  assert.match(resent.stderr, new RegExp(`# 200 from .*/c/vertex${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  assert.match(resent.stdout, /event: message_stop/);
  const again = h.vertex.calls.slice(before);
  assert.equal(again.length, 1);
  assert.deepEqual([again[0]!.model, again[0]!.method], ['claude-sonnet-5-5', 'streamRawPredict']);
  assert.deepEqual(again[0]!.body, JSON.parse(sent));
});
