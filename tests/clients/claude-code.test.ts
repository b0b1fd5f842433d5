/**
 * Claude Code itself (the pinned CLI from npm, its native binary, offline) as a client of the
 * gateway: `claude -p` completes a tool-use round trip with its token sent each way Claude
 * Code can send one.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { claudeHome, runClaude, shellRoundTrip, withApiKeyHelper } from '../support/claude-cli.ts';
import { startCoreHarness, type CoreHarness } from '../support/core-gateway.ts';

let h: CoreHarness;
let home: string;

before(async () => {
  h = await startCoreHarness();
  home = await claudeHome('scribe-claude-home-');
  // Answers like a model that runs one shell command, then reports what the tool returned.
  h.upstream.respondWith((body) => {
    const blocks = shellRoundTrip(body, 'tool-ran-ok', 'toolu_cc1');
    return blocks ? { reply: { blocks } } : undefined;
  });
});
after(async () => {
  await h.close();
  await rm(home, { recursive: true, force: true });
});

function runClaudeHere(env: Record<string, string>) {
  return runClaude(home, { ANTHROPIC_BASE_URL: h.url, ...env });
}

async function assertRoundTrip(env: Record<string, string>): Promise<void> {
  const before = h.upstream.calls.length;
  const run = await runClaudeHere(env);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /The tool said: "tool-ran-ok"/);
  const calls = h.upstream.calls.slice(before).filter((call) => call.path === '/v1/messages');
  assert.ok(calls.length >= 2, 'expected the tool call and the follow-up');
  assert.ok(calls.some((call) => call.query === '?beta=true'));
  for (const call of calls) {
    assert.equal(call.headers['x-api-key'], h.upstream.apiKey);
    assert.equal(call.headers.authorization, undefined);
    assert.ok(!JSON.stringify(call.headers).includes(h.token));
  }
  const followUp = JSON.parse(calls.at(-1)!.body.toString());
  assert.equal(followUp.messages.at(-1).content[0].type, 'tool_result');
}

test('claude -p with ANTHROPIC_AUTH_TOKEN (sent as Bearer) completes a tool round trip', async () => {
  await assertRoundTrip({ ANTHROPIC_AUTH_TOKEN: h.token });
});

test('claude -p with ANTHROPIC_API_KEY (sent as x-api-key) completes a tool round trip', async () => {
  await assertRoundTrip({ ANTHROPIC_API_KEY: h.token });
});

test('claude -p with an apiKeyHelper completes a tool round trip', async () => {
  await withApiKeyHelper(home, h.token, () => assertRoundTrip({}));
});

test('claude -p with a token the gateway does not trust fails and reaches no upstream', async () => {
  const before = h.upstream.calls.length;
  const run = await runClaudeHere({ ANTHROPIC_API_KEY: 'not-a-token' });
  assert.notEqual(run.code, 0);
  assert.equal(h.upstream.calls.length, before);
});
