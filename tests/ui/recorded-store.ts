/**
 * A store written by the real gateway, for the viewer's tests: the official SDK calls the
 * gateway over HTTP, the gateway forwards to the test upstream, masks secrets (in answers
 * and prompts), seals their originals to an auditor's key, and records everything.
 *
 * - alice@example.com, session "alice-weather": a tool-use conversation (thinking, text, tool
 *   call, tool result), whose answer carries a GitHub token (redacted, sealed) and whose
 *   second prompt carries another (masked in the prompt, sealed); streamed in small pieces
 *   40 ms apart so a replay visibly takes time.
 * - bob@example.com: a short session of two exchanges, and one that failed upstream.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { exportJWK, generateKeyPair } from 'jose';
import { composeGateway } from '../../src/app.ts';
import { defineConfig } from '../../src/config/load.ts';
import { createAuthenticator } from '../../src/identity/index.ts';
import { silentLogger } from '../../src/log/logger.ts';
import { createMasker } from '../../src/mask/index.ts';
import { createRecorder } from '../../src/record/index.ts';
import { createSealer } from '../../src/seal/index.ts';
import { anthropicConnection } from '../../src/upstream/anthropic.ts';
import { allowAll } from '../support/core-gateway.ts';
import { serveGateway } from '../support/serve.ts';
import { startUpstream } from '../support/upstream.ts';
import { AN, config as maskingConfig, gen } from '../mask/fixtures.ts';
import { configFor } from '../record/store-helpers.ts';

export interface RecordedStore {
  root: string;
  store: string;
  /** The auditor's private JWK file, which opens the sealed originals. */
  keyFile: string;
  /** The secrets the gateway redacted, to check they are revealed (and nowhere else). */
  answerSecret: string;
  promptSecret: string;
  aliceSession: string;
  bobSession: string;
  /** Exchange ids in the order they were made. */
  exchanges: string[];
  remove(): Promise<void>;
}

export async function recordStore(): Promise<RecordedStore> {
  const root = await mkdtemp(join(tmpdir(), 'scribe-ui-store-'));
  const { publicKey, privateKey } = await generateKeyPair('ECDH-ES+A256KW', { crv: 'P-256', extractable: true });
  const keyFile = join(root, 'auditor-private.jwk');
  await writeFile(keyFile, JSON.stringify(await exportJWK(privateKey)));
  const recording = configFor(root);
  const recorder = await createRecorder(recording, { log: () => {}, sealer: await createSealer(await exportJWK(publicKey)) });
  const upstream = await startUpstream();
  const dataDir = join(root, 'data');
  const config = defineConfig({ server: { dataDir } });
  const { authenticator, devIssuer } = await createAuthenticator(config.identity, { dataDir });
  const gateway = composeGateway({
    config,
    connections: new Map([['default', anthropicConnection('default', upstream.url, upstream.apiKey)]]),
    authenticator,
    policy: allowAll,
    masker: createMasker(maskingConfig({ prompts: { '*': 'mask' } })),
    recorder,
    log: silentLogger,
  });
  const served = await serveGateway(gateway);
  const exchanges: string[] = [];
  const client = async (email: string, session: string) => {
    const token = await devIssuer!.sign({ subject: email.split('@')[0], email, groups: ['engineering'] });
    return new Anthropic({
      baseURL: served.url, apiKey: token, maxRetries: 0,
      defaultHeaders: { 'x-claude-code-session-id': session },
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        const id = response.headers.get('x-scribe-exchange-id');
        if (id) exchanges.push(id);
        return response;
      },
    });
  };

  const answerSecret = `ghp_${gen(AN, 36)}`;
  const promptSecret = `ghp_${gen(AN, 36)}`;
  try {
    const alice = await client('alice@example.com', 'alice-weather');
    const tools = [{ name: 'get_weather', description: 'Current weather for a city', input_schema: { type: 'object' as const, properties: { city: { type: 'string' } } } }];
    upstream.next({
      eventDelayMs: 40,
      reply: {
        deltaSize: 6,
        inputTokens: 420,
        outputTokens: 96,
        blocks: [
          { type: 'thinking', thinking: 'The user wants the weather in Paris; I should call the weather tool.', signature: 'c2ln' },
          { type: 'text', text: `Let me check the weather for you. (I will use the deploy token ${answerSecret} only if needed.)` },
          { type: 'tool_use', id: 'toolu_01', name: 'get_weather', input: { city: 'Paris' } },
        ],
        stopReason: 'tool_use',
      },
    });
    const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'What is the weather in Paris right now?' }];
    const first = await alice.messages.stream({ model: 'claude-sonnet-5-5', max_tokens: 1024, tools, messages }).finalMessage();
    messages.push({ role: 'assistant', content: first.content });
    messages.push({ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01', content: `21°C and sunny. (fetched with token ${promptSecret})` }] });
    upstream.next({ eventDelayMs: 40, reply: { deltaSize: 5, inputTokens: 610, outputTokens: 24, blocks: [{ type: 'text', text: 'It is 21°C and sunny in Paris: a good day for a walk along the Seine.' }] } });
    await alice.messages.stream({ model: 'claude-sonnet-5-5', max_tokens: 1024, tools, messages }).finalMessage();

    const bob = await client('bob@example.com', 'bob-haiku');
    upstream.next({ reply: { inputTokens: 30, outputTokens: 20, blocks: [{ type: 'text', text: 'Autumn moonlight—\na worm digs silently\ninto the chestnut.' }] } });
    const haiku: Anthropic.MessageParam[] = [{ role: 'user', content: 'Write a haiku about autumn.' }];
    const h1 = await bob.messages.create({ model: 'claude-haiku-4-5', max_tokens: 200, messages: haiku });
    haiku.push({ role: 'assistant', content: h1.content }, { role: 'user', content: 'Now one about winter.' });
    upstream.next({ reply: { inputTokens: 60, outputTokens: 18, blocks: [{ type: 'text', text: 'First snow—\nthe whole valley\nholds its breath.' }] } });
    await bob.messages.create({ model: 'claude-haiku-4-5', max_tokens: 200, messages: haiku });
    upstream.next({ status: 529, error: { type: 'overloaded_error', message: 'Overloaded' } });
    await bob.messages.create({ model: 'claude-haiku-4-5', max_tokens: 200, messages: [{ role: 'user', content: 'And spring?' }] }).catch(() => undefined);

    for (let i = 0; ; i++) {
      await recorder.flush();
      const { recorded, pendingBytes } = recorder.stats();
      if (recorded >= exchanges.length && pendingBytes === 0) break;
      if (i > 1000) throw new Error(`only ${recorded} of ${exchanges.length} exchanges recorded`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  } finally {
    await served.close();
    await recorder.close();
    await upstream.close();
  }
  return {
    root, store: recording.store, keyFile, answerSecret, promptSecret, aliceSession: 'alice-weather', bobSession: 'bob-haiku', exchanges,
    remove: () => rm(root, { recursive: true, force: true }),
  };
}
