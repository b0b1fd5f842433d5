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
