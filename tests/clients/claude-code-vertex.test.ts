/**
 * Claude Code in its Vertex AI mode (the pinned CLI, offline) through the gateway:
 * CLAUDE_CODE_USE_VERTEX=1, CLAUDE_CODE_SKIP_VERTEX_AUTH=1 and ANTHROPIC_VERTEX_BASE_URL at a
 * connection. In that mode Claude Code sends ANTHROPIC_AUTH_TOKEN, or an apiKeyHelper's
 * output, as "Authorization: Bearer" (and ANTHROPIC_API_KEY as x-api-key); the gateway
 * verifies it, records the caller, and calls Vertex AI with its own Google token.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { claudeHome, runClaude, shellRoundTrip, withApiKeyHelper } from '../support/claude-cli.ts';
import { startVertexHarness, type VertexHarness } from '../support/vertex-gateway.ts';

let h: VertexHarness;
let home: string;

before(async () => {
  h = await startVertexHarness();
  home = await claudeHome('scribe-claude-vertex-');
  // Answers like a model that runs one shell command, then reports what the tool returned.
  h.vertex.respondWith((body) => {
    const blocks = shellRoundTrip(body, 'vertex-tool-ok', 'toolu_vx1');
    return blocks ? { blocks } : undefined;
  });
});
after(async () => {
  await h.close();
  await rm(home, { recursive: true, force: true });
});

/** Claude Code in Vertex mode, its Vertex base URL at the gateway's "vertex" connection. */
function runVertexClaude(env: Record<string, string>) {
  return runClaude(home, {
    CLAUDE_CODE_USE_VERTEX: '1',
    CLAUDE_CODE_SKIP_VERTEX_AUTH: '1',
    ANTHROPIC_VERTEX_BASE_URL: `${h.url}/c/vertex/v1`,
    ANTHROPIC_VERTEX_PROJECT_ID: 'team-project',
    CLOUD_ML_REGION: 'us-east5',
    ...env,
  });
}

async function assertRoundTrip(env: Record<string, string>, credentialHeader: string): Promise<void> {
  const before = h.vertex.calls.length;
  const seenBefore = h.credentialHeaders.length;
  const run = await runVertexClaude(env);
  assert.equal(run.code, 0, run.stderr);
  const seen = new Set(h.credentialHeaders.slice(seenBefore));
  assert.deepEqual([...seen], [credentialHeader], `Claude Code sent its token in ${[...seen].join(', ')}`);
  assert.match(run.stdout, /The tool said: "vertex-tool-ok"/);
  const calls = h.vertex.calls.slice(before);
  assert.ok(calls.length >= 2, 'expected the tool call and the follow-up');
  for (const call of calls) {
    assert.equal(call.method, 'streamRawPredict');
    assert.equal(call.model, 'claude-sonnet-5-5');
    assert.equal(call.body.anthropic_version, 'vertex-2023-10-16');
    assert.equal(call.headers.authorization, `Bearer ${h.vertex.accessToken}`);
    assert.ok(!JSON.stringify(call.headers).includes(h.token), 'the caller token never reaches Vertex AI');
  }
  const followUp = calls.at(-1)!.body as { messages: Array<{ content: Array<{ type: string }> }> };
  assert.equal(followUp.messages.at(-1)!.content[0]!.type, 'tool_result');
  assert.deepEqual(h.vertex.refused, []);
}

test('claude -p in Vertex mode with ANTHROPIC_AUTH_TOKEN completes a tool round trip, recorded under the caller', async () => {
  const recordedBefore = h.recorder.stats().recorded;
  await assertRoundTrip({ ANTHROPIC_AUTH_TOKEN: h.token }, 'authorization');
  const records = (await h.records(recordedBefore + 2)).slice(recordedBefore);
  assert.ok(records.length >= 2);
  for (const record of records) {
    assert.equal(record.format, 'vertex');
    assert.equal(record.connection, 'vertex');
    assert.equal(record.model, 'claude-sonnet-5-5');
    assert.equal(record.identity?.subject, 'dev@example.com');
    assert.match(record.request.path, /^\/v1\/projects\/team-project\/locations\/us-east5\/publishers\/anthropic\/models\/claude-sonnet-5-5:streamRawPredict$/);
    assert.equal(record.outcome.status, 'complete');
  }
  // One Claude Code run is one session, threaded by its session header.
  assert.equal(new Set(records.map((record) => record.session.id)).size, 1);
});

test('claude -p in Vertex mode with ANTHROPIC_API_KEY (sent as x-api-key) completes a tool round trip', async () => {
  await assertRoundTrip({ ANTHROPIC_API_KEY: h.token }, 'x-api-key');
});

test('claude -p in Vertex mode with an apiKeyHelper (sent as Bearer) completes a tool round trip', async () => {
  await withApiKeyHelper(home, h.token, () => assertRoundTrip({}, 'authorization'));
});

test('claude -p in Vertex mode with a token the gateway does not trust fails and reaches no upstream', async () => {
  const before = h.vertex.calls.length + h.vertex.refused.length + h.upstream.calls.length;
  const run = await runVertexClaude({ ANTHROPIC_AUTH_TOKEN: 'not-a-token' });
  assert.notEqual(run.code, 0);
  assert.equal(h.vertex.calls.length + h.vertex.refused.length + h.upstream.calls.length, before);
});
