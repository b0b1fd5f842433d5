/**
 * Per-connection switches, configured as teams write them and assembled as `scribe serve`
 * assembles them: recording off leaves only a minimal, chained audit line; masking on one
 * connection and off on another in the same gateway; the prompt rule per connection; and a
 * part switched off gateway-wide still works for the one connection that turns it on.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createGateway } from '../../src/app.ts';
import { defineConfig } from '../../src/config/load.ts';
import type { GatewayConfigInput } from '../../src/config/schema.ts';
import { silentLogger } from '../../src/log/logger.ts';
import { AN, gen } from '../mask/fixtures.ts';
import { configFor, storedRecords, storedText, tempDir } from '../record/store-helpers.ts';
import { serveGateway } from '../support/serve.ts';
import { startUpstream, type TestUpstream } from '../support/upstream.ts';
import { runScribe } from '../support/scribe-cli.ts';

const secret = `ghp_${gen(AN, 36)}`;

interface Running {
  url: string;
  token: string;
  store: string;
  close(): Promise<void>;
}

let upstream: TestUpstream;
let gw: Running;

async function startGateway(input: (upstream: TestUpstream) => GatewayConfigInput): Promise<Running> {
  const dataDir = await mkdtemp(join(tmpdir(), 'scribe-switches-'));
  const recording = configFor(dataDir);
  const config = defineConfig({
    ...input(upstream),
    server: { dataDir },
    policy: { rules: [{ name: 'everyone', connections: ['*'] }] },
    recording: { ...recording, ...input(upstream).recording },
  });
  const { gateway, devIssuer } = await createGateway(config, { log: silentLogger });
  const served = await serveGateway(gateway);
  return {
    url: served.url,
    token: await devIssuer!.sign({ subject: 'carol', email: 'carol@example.com' }),
    store: recording.store,
    async close() {
      await served.close();
      await gateway.close(0);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

const on = (u: TestUpstream, extra: Record<string, unknown> = {}) => ({ type: 'anthropic' as const, baseUrl: u.url, apiKey: u.apiKey, ...extra });

before(async () => {
  upstream = await startUpstream();
  gw = await startGateway((u) => ({
    connections: {
      default: on(u),
      quiet: on(u, { recording: 'off' }),
      plain: on(u, { masking: 'off' }),
      guarded: on(u, { prompts: 'block' }),
    },
  }));
});
after(async () => {
  await gw.close();
  await upstream.close();
});

function ask(g: Running, connection: string, content: string, stream = true): Promise<Response> {
  const prefix = connection === 'default' ? '' : `/c/${connection}`;
  return fetch(`${g.url}${prefix}/v1/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${g.token}`, 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'x-claude-code-session-id': `session-${connection}` },
    body: JSON.stringify({ model: 'claude-sonnet-5-5', max_tokens: 64, stream, messages: [{ role: 'user', content }] }),
  });
}

/** The text a streamed answer spells out across its deltas. */
async function streamedText(response: Response): Promise<string> {
  let text = '';
  for (const line of (await response.text()).split('\n')) {
    if (!line.startsWith('data: ')) continue;
    const data = JSON.parse(line.slice(6));
    if (data.delta?.type === 'text_delta') text += data.delta.text;
  }
  return text;
}

/** Waits until the store holds these exchanges (the gateway ends an exchange after its last byte). */
async function recordsOf(store: string, ids: (string | null)[]) {
  for (let i = 0; i < 500; i++) {
    const records = await storedRecords(store).catch(() => []);
    if (ids.every((id) => records.some((record) => record.id === id))) return records;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`the store never held ${ids.join(', ')}`);
}

test('masking on one connection and off on another, in the same gateway', async () => {
  upstream.next({ reply: { blocks: [{ type: 'text', text: `Your token: ${secret}.` }], deltaSize: 4 } });
  upstream.next({ reply: { blocks: [{ type: 'text', text: `Your token: ${secret}.` }], deltaSize: 4 } });
  const masked = await streamedText(await ask(gw, 'default', 'token?'));
  const plain = await streamedText(await ask(gw, 'plain', 'token?'));
  assert.equal(masked, 'Your token: ghp_[REDACTED:github-pat].', 'masked on the default connection');
  assert.equal(plain, `Your token: ${secret}.`, 'passed through on the plain connection');
});

test('the prompt rule is per connection: block on one, allow on another', async () => {
  const before = upstream.calls.length;
  const blocked = await ask(gw, 'guarded', `my token is ${secret}`, false);
  assert.equal(blocked.status, 400);
  assert.match((await blocked.json()).error.message, /github-pat/);
  assert.equal(upstream.calls.length, before, 'a blocked prompt reaches no upstream');
  assert.equal((await ask(gw, 'default', `my token is ${secret}`, false)).status, 200);
});

test('recording off leaves one chained audit line per exchange: who, when, connection, model, outcome, tokens, no bodies', async () => {
  upstream.next({ reply: { blocks: [{ type: 'text', text: 'quiet streamed answer text' }], inputTokens: 21, outputTokens: 8 } });
  upstream.next({ reply: { blocks: [{ type: 'text', text: 'quiet whole answer text' }], inputTokens: 5, outputTokens: 3 } });
  const streamed = await ask(gw, 'quiet', 'a quiet streamed prompt');
  assert.equal(await streamedText(streamed), 'quiet streamed answer text', 'the caller gets the answer as usual');
  const whole = await ask(gw, 'quiet', 'a quiet whole prompt', false);
  assert.equal((await whole.json()).content[0].text, 'quiet whole answer text');
  const ids = [streamed.headers.get('x-scribe-exchange-id'), whole.headers.get('x-scribe-exchange-id')];

  const records = await recordsOf(gw.store, ids);
  const lines = ids.map((id) => records.find((record) => record.id === id)!);
  for (const line of lines) {
    assert.equal(line.bodies, 'omitted');
    assert.equal(line.connection, 'quiet');
    assert.equal(line.model, 'claude-sonnet-5-5');
    assert.equal(line.identity?.subject, 'carol');
    assert.equal(line.outcome.status, 'complete');
    assert.deepEqual(line.request.body, { form: 'empty' });
    assert.equal(line.response?.status, 200);
    assert.equal(line.response?.message, null);
    assert.equal(line.response?.stream, undefined);
    assert.equal(line.response?.body, undefined);
    assert.deepEqual(line.findings, []);
    assert.equal(line.session.id, 'session-quiet');
  }
  assert.deepEqual(lines.map((line) => [line.usage?.input_tokens, line.usage?.output_tokens]), [[21, 8], [5, 3]]);
  const text = await storedText(gw.store);
  for (const words of ['a quiet streamed prompt', 'a quiet whole prompt', 'quiet streamed answer', 'quiet whole answer']) {
    assert.ok(!text.includes(words), `"${words}" must not reach the store`);
  }

  const verified = await runScribe(['verify', '--store', gw.store]);
  assert.equal(verified.code, 0, verified.stdout + verified.stderr);
  const sessions = await runScribe(['sessions', 'list', '--store', gw.store]);
  assert.match(sessions.stdout, /session-quiet\s+carol@example\.com/);
  const listed = JSON.parse((await runScribe(['sessions', 'list', '--json', '--store', gw.store])).stdout) as { items: Array<{ session: string; exchanges: number; models: string[]; inputTokens: number; outputTokens: number }> };
  const quiet = listed.items.find((item) => item.session === 'session-quiet');
  assert.deepEqual([quiet?.exchanges, quiet?.models, quiet?.inputTokens, quiet?.outputTokens], [2, ['claude-sonnet-5-5'], 26, 11]);
});

test('a part off gateway-wide still serves the one connection that turns it on', async () => {
  const other = await startGateway((u) => ({
    connections: { default: on(u), careful: on(u, { masking: 'on', recording: 'on' }) },
    masking: { enabled: false },
    recording: { enabled: false },
  }));
  try {
    upstream.next({ reply: { blocks: [{ type: 'text', text: `Your token: ${secret}.` }] } });
    upstream.next({ reply: { blocks: [{ type: 'text', text: `Your token: ${secret}.` }] } });
    const first = await ask(other, 'default', 'token?');
    const plain = await streamedText(first);
    const careful = await ask(other, 'careful', 'token?');
    assert.equal(plain, `Your token: ${secret}.`);
    assert.equal(await streamedText(careful), 'Your token: ghp_[REDACTED:github-pat].');
    const records = await recordsOf(other.store, [first.headers.get('x-scribe-exchange-id'), careful.headers.get('x-scribe-exchange-id')]);
    const byConnection = Object.fromEntries(records.map((record) => [record.connection, record]));
    assert.equal(byConnection.careful?.bodies, undefined, 'the careful connection is recorded whole');
    assert.equal(byConnection.careful?.id, careful.headers.get('x-scribe-exchange-id'));
    assert.equal(byConnection.default?.bodies, 'omitted', 'the default connection follows recording: off, as an audit line');
  } finally {
    await other.close();
  }
});
