/**
 * Credential custody: the upstream key, the caller's token and any redacted original never
 * appear in a response or a log line, whatever the call's fate.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { createLogger } from '../../src/log/logger.ts';
import { createMasker } from '../../src/mask/index.ts';
import { startCoreHarness } from '../support/core-gateway.ts';
import { AN, config, gen } from '../mask/fixtures.ts';

test('no key, token or redacted original reaches a response or a log line', async () => {
  const lines: string[] = [];
  const secret = `ghp_${gen(AN, 36)}`;
  const h = await startCoreHarness({ parts: { log: createLogger({ level: 'debug', write: (line) => lines.push(line) }), masker: createMasker(config()) } });
  const seen: string[] = [];
  try {
    const client = new Anthropic({ baseURL: h.url, apiKey: h.token, maxRetries: 0, fetch: async (url, init) => {
      const response = await fetch(url, init);
      seen.push(JSON.stringify([...response.headers]) + (await response.clone().text()));
      return response;
    } });
    h.upstream.next({ reply: { blocks: [{ type: 'text', text: `here: ${secret}` }] } });
    await client.messages.stream({ model: 'claude-sonnet-5-5', max_tokens: 8, messages: [{ role: 'user', content: 'x' }] }).finalMessage();
    h.upstream.next({ reply: { blocks: [{ type: 'text', text: `again ${secret}` }] } });
    await client.messages.create({ model: 'claude-sonnet-5-5', max_tokens: 8, messages: [{ role: 'user', content: 'x' }] });
    h.upstream.next({ status: 500, error: { type: 'api_error', message: 'boom' } });
    await assert.rejects(client.messages.create({ model: 'claude-sonnet-5-5', max_tokens: 8, messages: [{ role: 'user', content: 'x' }] }));
    const stranger = new Anthropic({ baseURL: h.url, apiKey: `${h.token.slice(0, -4)}AAAA`, maxRetries: 0 });
    await assert.rejects(stranger.messages.create({ model: 'claude-sonnet-5-5', max_tokens: 8, messages: [{ role: 'user', content: 'x' }] }), (e: { status?: number }) => e.status === 401);
    await new Promise((resolve) => setTimeout(resolve, 50));

    assert.ok(lines.length >= 3, 'the exchanges were logged');
    assert.ok(seen.length >= 3);
    for (const text of [...lines, ...seen]) {
      assert.ok(!text.includes(h.upstream.apiKey), 'upstream key leaked');
      assert.ok(!text.includes(h.token), 'caller token leaked');
      assert.ok(!text.includes(h.token.split('.')[2] as string), 'token signature leaked');
      assert.ok(!text.includes(secret), 'redacted original leaked');
    }
  } finally {
    await h.close();
  }
});
