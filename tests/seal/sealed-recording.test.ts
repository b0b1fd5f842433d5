/**
 * Originals sealed end to end: a secret streamed through the gateway is redacted for the
 * caller, recorded only as a sealed JWE (no plain text anywhere in the store), and
 * `scribe reveal --store ... <exchange id>` opens it with the auditor's private key.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exportJWK, generateKeyPair } from 'jose';
import { runReveal } from '../../src/cli/reveal.ts';
import { createMasker } from '../../src/mask/index.ts';
import { createRecorder, type ScribeRecorder } from '../../src/record/index.ts';
import { gunzip } from '../../src/record/batch-file.ts';
import { createSealer } from '../../src/seal/index.ts';
import { startCoreHarness, type CoreHarness } from '../support/core-gateway.ts';
import { configFor, storedRecords, tempDir } from '../record/store-helpers.ts';
import { AN, config, gen } from '../mask/fixtures.ts';

const github = `ghp_${gen(AN, 36)}`;
let harness: CoreHarness;
let recorder: ScribeRecorder;
let root: string;
let store: string;

before(async () => {
  root = await tempDir('sealed');
  const { publicKey, privateKey } = await generateKeyPair('ECDH-ES+A256KW', { crv: 'P-256', extractable: true });
  await writeFile(join(root, 'auditor.jwk'), JSON.stringify(await exportJWK(privateKey)));
  const recording = configFor(root);
  store = recording.store;
  recorder = await createRecorder(recording, { log: () => {}, sealer: await createSealer(await exportJWK(publicKey)) });
  harness = await startCoreHarness({ parts: { recorder, masker: createMasker(config()) } });
});
after(() => harness.close());

async function allStoredText(dir: string): Promise<string> {
  let text = '';
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const bytes = await readFile(join(entry.parentPath, entry.name));
    text += bytes[0] === 0x1f && bytes[1] === 0x8b ? new TextDecoder().decode(await gunzip(bytes)) : bytes.toString('utf8');
  }
  return text;
}

test('a redacted secret is stored sealed only, and scribe reveal opens it from the store', async () => {
  harness.upstream.next({ reply: { blocks: [{ type: 'text', text: `Your token: ${github}.` }], deltaSize: 4 } });
  const response = await fetch(`${harness.url}/v1/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${harness.token}`, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
    body: JSON.stringify({ model: 'claude-sonnet-5-5', max_tokens: 64, stream: true, messages: [{ role: 'user', content: 'token?' }] }),
  });
  const exchange = response.headers.get('x-scribe-exchange-id')!;
  const sent = await response.text();
  assert.ok(sent.includes('[REDACTED:github-pat]') && !sent.includes(github.slice(4, 12)) && !sent.includes(github.slice(30)));

  for (;;) {
    await recorder.flush();
    const { recorded, pendingBytes } = recorder.stats();
    if (recorded >= 1 && pendingBytes === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const [record] = (await storedRecords(store)).filter((r) => r.id === exchange);
  assert.ok(record, 'the exchange was recorded');
  assert.deepEqual(record.findings.map((f) => [f.rule, f.where, f.block, typeof f.sealed, typeof f.kid]), [['github-pat', 'response', 0, 'string', 'string']]);
  assert.ok(!(await allStoredText(root)).includes(github.slice(4)), 'the original is in the store or spool in plain text');

  const write = process.stdout.write.bind(process.stdout);
  let out = '';
  process.stdout.write = ((chunk: string | Uint8Array) => ((out += chunk.toString()), true)) as typeof process.stdout.write;
  let code: number;
  try {
    code = await runReveal(['--key', join(root, 'auditor.jwk'), '--store', store, exchange]);
  } finally {
    process.stdout.write = write;
  }
  assert.equal(code, 0);
  // The sealed original is the token's body, at its offsets after "Your token: ghp_".
  assert.equal(out, `${exchange}\tgithub-pat\tresponse block 0 16-${12 + github.length}\t${github.slice(4)}\n`);
});

test('a secret in thinking is recorded as noted, and one in tool input names its JSON string', async () => {
  const thinking = { type: 'thinking' as const, thinking: `I saw ${github} in the context.`, signature: 'c2lnbmF0dXJl' };
  const tool = { type: 'tool_use' as const, id: 'toolu_9', name: 'deploy', input: { env: 'prod', token: github } };
  harness.upstream.next({ reply: { blocks: [thinking, tool], deltaSize: 6 } });
  const response = await fetch(`${harness.url}/v1/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${harness.token}`, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
    body: JSON.stringify({ model: 'claude-sonnet-5-5', max_tokens: 64, stream: true, messages: [{ role: 'user', content: 'deploy' }] }),
  });
  const exchange = response.headers.get('x-scribe-exchange-id')!;
  await response.text();
  let record;
  for (let i = 0; i < 500 && !record; i++) {
    await recorder.flush();
    [record] = (await storedRecords(store)).filter((r) => r.id === exchange);
    if (!record) await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.ok(record, 'the exchange was recorded');
  const byBlock = new Map(record.findings.map((f) => [f.block, f]));
  assert.equal(byBlock.get(0)?.kind, 'noted');
  assert.equal(byBlock.get(1)?.kind, undefined);
  assert.equal(typeof byBlock.get(1)?.string, 'number');
});
