/**
 * SIGHUP reloads policy, connections and masking from the config file: new calls follow the
 * new file at once, a stream open across the reload runs to its end, and a bad file is refused
 * with start-up's messages while the running config stays.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnGateway, runScribe } from '../support/spawn-gateway.ts';
import { startUpstream } from '../support/upstream.ts';

const allowOnly = (models: string) => `policy:\n  rules:\n    - name: team\n      models: ["${models}"]\nmasking:\n  enabled: false\n`;

async function waitFor(read: () => string, pattern: RegExp, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!pattern.test(read())) {
    if (Date.now() > deadline) throw new Error(`never saw ${pattern} in:\n${read()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

test('SIGHUP swaps the policy for new calls while a stream opened before it runs to the end', { timeout: 60_000 }, async (t) => {
  const upstream = await startUpstream();
  t.after(() => upstream.close());
  const dir = await mkdtemp(join(tmpdir(), 'scribe-reload-'));
  const file = join(dir, 'scribe.yaml');
  await writeFile(file, allowOnly('claude-sonnet-*'));
  const gateway = await spawnGateway('node', { SCRIBE_CONFIG: file, SCRIBE_UPSTREAM_URL: upstream.url, ANTHROPIC_API_KEY: upstream.apiKey });
  t.after(() => gateway.stop());
  const minted = await runScribe(['dev-token', '--email', 'ops@example.com'], { SCRIBE_DATA_DIR: gateway.dataDir });
  const token = minted.stdout.trim();
  const call = (model: string) =>
    fetch(`${gateway.url}/v1/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model, max_tokens: 16, stream: true, messages: [{ role: 'user', content: 'hi' }] }),
    });

  // A slow stream: 80 words, 50 ms apart, still running when the reload lands.
  const words = Array.from({ length: 80 }, (_, i) => `w${i}`);
  upstream.next({ eventDelayMs: 50, reply: { blocks: [{ type: 'text', text: words.join(' ') }] } });
  const open = await call('claude-sonnet-5-5');
  assert.equal(open.status, 200);
  const reader = open.body!.getReader();
  let streamed = new TextDecoder().decode((await reader.read()).value);
  let upstreamDone = false;
  void upstream.calls[0]!.done.then(() => (upstreamDone = true));

  await writeFile(file, allowOnly('claude-haiku-*'));
  gateway.child.kill('SIGHUP');
  await waitFor(gateway.stderr, /scribe: reloaded: 1 policy rule\(s\), connection\(s\) default, masking off/);
  assert.equal(upstreamDone, false, 'the stream was still open when the reload took effect');
  const refused = await call('claude-sonnet-5-5');
  assert.equal(refused.status, 403, 'the new policy applies to the next call');
  assert.match((await refused.json()).error.message, /no rule grants model "claude-sonnet-5-5"/);
  const allowed = await call('claude-haiku-4-5');
  assert.equal(allowed.status, 200);
  await allowed.text();

  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) streamed += new TextDecoder().decode(chunk.value);
  assert.match(streamed, /event: message_stop/);
  const text = [...streamed.matchAll(/"text":"([^"]*)"/g)].map((m) => m[1]).join('');
  assert.equal(text, words.join(' '), 'the open stream lost nothing across the reload');

  // A bad file: refused with the start-up message naming the key; the last good config stays.
  await writeFile(file, 'policy:\n  rules:\n    - name: team\n      requestsPerMinute: "lots"\n');
  gateway.child.kill('SIGHUP');
  await waitFor(gateway.stderr, /reload refused, the running config stays: .*policy\.rules\.0\.requestsPerMinute/s);
  assert.doesNotMatch(gateway.stderr(), /    at /);
  assert.equal((await call('claude-sonnet-5-5')).status, 403);
  const stillAllowed = await call('claude-haiku-4-5');
  assert.equal(stillAllowed.status, 200);
  await stillAllowed.text();

  // A section that cannot change in a running process is named, not silently ignored.
  await writeFile(file, `${allowOnly('claude-haiku-*')}server:\n  bodyLimitBytes: 1024\n`);
  gateway.child.kill('SIGHUP');
  await waitFor(gateway.stderr, /changes to server take effect only after a restart/);
  assert.equal(await gateway.stop(), 0);
});
