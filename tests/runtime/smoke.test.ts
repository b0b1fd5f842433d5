/**
 * A smoke suite that runs inside each runtime's own test runner (node --test, bun test,
 * deno test): the gateway's Web-standard core handles a streamed call in-process.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeGateway } from '../../src/app.ts';
import { defineConfig } from '../../src/config/load.ts';
import { createAuthenticator } from '../../src/identity/index.ts';
import { createPolicy } from '../../src/policy/index.ts';
import { noRecorder } from '../../src/record/recorder.ts';
import { createRecorder, recordingConfigSchema } from '../../src/record/index.ts';
import { readRecords } from '../../src/store/reader.ts';
import { openSink } from '../../src/store/sink.ts';
import { anthropicConnection } from '../../src/upstream/anthropic.ts';
import { silentLogger } from '../../src/log/logger.ts';
import { startUpstream } from '../support/upstream.ts';

test('a streamed call passes through the gateway core byte for byte', async () => {
  const upstream = await startUpstream();
  const dataDir = await mkdtemp(join(tmpdir(), 'scribe-smoke-'));
  try {
    const config = defineConfig({ server: { dataDir }, masking: { enabled: false }, recording: { enabled: false } });
    const { authenticator, devIssuer } = await createAuthenticator(config.identity, { dataDir });
    const gateway = composeGateway({
      config,
      connections: new Map([['default', anthropicConnection('default', upstream.url, upstream.apiKey)]]),
      authenticator,
      policy: createPolicy(config.policy),
      masker: undefined,
      recorder: noRecorder,
      log: silentLogger,
    });
    const token = await devIssuer!.sign({ subject: 'smoke' });
    upstream.next({ reply: { blocks: [{ type: 'text', text: 'smoke ✓ 🎉' }], deltaSize: 1 } });
    const response = await gateway.fetch(
      new Request('http://gateway.test/v1/messages?beta=true', {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'claude-sonnet-5-5', max_tokens: 8, stream: true, messages: [{ role: 'user', content: 'hi' }] }),
      }),
    );
    assert.equal(response.status, 200);
    const received = new Uint8Array(await response.arrayBuffer());
    const call = upstream.calls.at(-1)!;
    await call.done;
    assert.deepEqual(received, new Uint8Array(call.sent));
    assert.equal(call.query, '?beta=true');

    const rejected = await gateway.fetch(new Request('http://gateway.test/v1/messages', { method: 'POST', headers: { authorization: 'Bearer nope' }, body: '{}' }));
    assert.equal(rejected.status, 401);
    assert.equal((await rejected.json()).error.type, 'authentication_error');
  } finally {
    await upstream.close();
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('records are built in a worker thread, and a worker that dies has its exchanges rebuilt', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'scribe-smoke-worker-'));
  try {
    const config = recordingConfigSchema.parse({ store: `file:${join(dataDir, 'store')}`, spoolDir: join(dataDir, 'spool'), batchMaxAgeMs: 20 });
    const recorder = await createRecorder(config, { log: () => {}, buildIn: 'worker' });
    assert.equal(recorder.stats().builtIn, 'worker');
    const body = new TextEncoder().encode(JSON.stringify({ model: 'claude-sonnet-5-5', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] }));
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const id = `smoke-worker-${i}`;
      ids.push(id);
      const exchange = recorder.begin({ id, startedAt: Date.now(), connection: 'default', upstream: 'http://upstream.test', request: { method: 'POST', path: '/v1/messages', query: '', headers: {}, body } });
      exchange.response(200, new Headers({ 'content-type': 'application/json' }));
      exchange.chunk(new TextEncoder().encode(`{"type":"message","content":[{"type":"text","text":"answer ${i}"}]}`));
      exchange.end('complete');
      if (i === 2) (recorder as unknown as { crashBuilderForTest(): void }).crashBuilderForTest();
    }
    await recorder.close();
    const records = await readRecords(await openSink(config.store));
    assert.deepEqual(records.map((r) => r.id).sort(), ids);
    assert.deepEqual(records.map((r) => r.chain.seq).sort((a, b) => a - b), [0, 1, 2, 3, 4, 5]);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('by default records are built in a worker on Node, and on the serving thread on Bun and Deno', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'scribe-smoke-default-'));
  try {
    const config = recordingConfigSchema.parse({ store: `file:${join(dataDir, 'store')}`, spoolDir: join(dataDir, 'spool') });
    const recorder = await createRecorder(config, { log: () => {} });
    const onNode = !('Bun' in globalThis) && !('Deno' in globalThis);
    assert.equal(recorder.stats().builtIn, onNode ? 'worker' : 'thread');
    await recorder.close();
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});
