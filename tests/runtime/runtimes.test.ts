/**
 * The same gateway, started as users start it, on Node, Bun and Deno: the official SDK streams
 * through it with masking and recording on; with masking off the SSE bytes are the upstream's;
 * SIGTERM lets an open stream finish, flushes the recording, and the process exits.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { spawnGateway, runScribe, type Runtime, type SpawnedGateway } from '../support/spawn-gateway.ts';
import { startUpstream, type TestUpstream } from '../support/upstream.ts';

const runtimes: Runtime[] = ['node', 'bun', 'deno'];

for (const runtime of runtimes) {
  describe(`on ${runtime}`, () => {
    let upstream: TestUpstream;
    let gateway: SpawnedGateway;
    let plain: SpawnedGateway;
    let client: Anthropic;
    let token: string;

    before(async () => {
      upstream = await startUpstream();
      gateway = await spawnGateway(runtime, { SCRIBE_UPSTREAM_URL: upstream.url, ANTHROPIC_API_KEY: upstream.apiKey, SCRIBE_MASKING: 'on' });
      plain = await spawnGateway(runtime, { SCRIBE_UPSTREAM_URL: upstream.url, ANTHROPIC_API_KEY: upstream.apiKey, SCRIBE_MASKING: 'off', SCRIBE_RECORDING: 'off', SCRIBE_DATA_DIR: gateway.dataDir });
      const minted = await runScribe(['dev-token', '--email', 'ci@example.com'], { SCRIBE_DATA_DIR: gateway.dataDir });
      assert.equal(minted.code, 0, minted.stderr);
      token = minted.stdout.trim();
      client = new Anthropic({ baseURL: gateway.url, apiKey: token, maxRetries: 0 });
    });
    after(async () => {
      await gateway.stop('SIGKILL');
      await plain.stop('SIGKILL');
      await upstream.close();
    });

    test('the SDK streams a message with text and tool use', async () => {
      upstream.next({ reply: { blocks: [{ type: 'text', text: `Hello from ${runtime} ✓` }, { type: 'tool_use', id: 'toolu_1', name: 'lookup', input: { q: 'gateway' } }], deltaSize: 2 } });
      const stream = client.messages.stream({ model: 'claude-sonnet-5-5', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] });
      const message = await stream.finalMessage();
      assert.equal((message.content[0] as { text: string }).text, `Hello from ${runtime} ✓`);
      assert.deepEqual((message.content[1] as { input: unknown }).input, { q: 'gateway' });
    });

    test('with masking off the SSE bytes are the upstream bytes', async () => {
      upstream.next({ reply: { blocks: [{ type: 'thinking', thinking: 'pondering', signature: 'sig+/=' }, { type: 'text', text: 'answer é 🎉' }], deltaSize: 1 } });
      const response = await fetch(`${plain.url}/v1/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'claude-sonnet-5-5', max_tokens: 64, stream: true, messages: [{ role: 'user', content: 'hi' }] }),
      });
      const received = Buffer.from(await response.arrayBuffer());
      const call = upstream.calls.at(-1)!;
      await call.done;
      assert.ok(received.equals(call.sent));
    });

    test('SIGTERM lets an open stream finish, then the process exits 0', async () => {
      const text = 'slow and steady '.repeat(10);
      upstream.next({ reply: { blocks: [{ type: 'text', text }], deltaSize: 8 }, eventDelayMs: 40 });
      const stream = client.messages.stream({ model: 'claude-sonnet-5-5', max_tokens: 64, messages: [{ role: 'user', content: 'slow' }] });
      await new Promise<void>((resolve) => stream.once('text', () => resolve()));
      gateway.child.kill('SIGTERM');
      const message = await stream.finalMessage();
      assert.equal((message.content[0] as { text: string }).text, text);
      assert.equal(await gateway.exited, 0);
      assert.match(gateway.stderr(), /SIGTERM: no new connections; letting 1 open stream\(s\) finish/);
      const verified = await runScribe(['verify', '--store', `file:${gateway.dataDir}/sessions`], {});
      assert.equal(verified.code, 0, verified.stdout + verified.stderr);
      const sessions = await runScribe(['sessions', 'list', '--store', `file:${gateway.dataDir}/sessions`], {});
      assert.equal(sessions.code, 0, sessions.stderr);
      assert.match(sessions.stdout, /ci@example\.com/);
      const logged = gateway.stderr();
      assert.match(logged, /"msg":"exchange"/);
      assert.ok(!logged.includes(upstream.apiKey) && !logged.includes(token), 'a credential reached the log');
    });
  });
}
