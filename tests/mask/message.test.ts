import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMasker } from '../../src/mask/index.ts';
import { AN, config, gen } from './fixtures.ts';
import { collector } from './sse-support.ts';

const masker = createMasker(config());
const github = `ghp_${gen(AN, 36)}`;
const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const decode = (body: Uint8Array) => JSON.parse(new TextDecoder().decode(body));

function message(content: unknown[]) {
  return { id: 'msg_1', type: 'message', role: 'assistant', model: 'claude', content, stop_reason: 'end_turn', usage: { input_tokens: 1, output_tokens: 2 } };
}

test('a body without secrets comes back as the same Uint8Array', () => {
  const body = encode(message([{ type: 'text', text: 'Nothing to see here.' }]));
  assert.equal(masker.message(body, () => {}), body);
});

test('a body whose keywords turn out not to be secrets comes back as the same Uint8Array', () => {
  const body = encode(message([{ type: 'text', text: 'Rotate the token and the password regularly.' }]));
  assert.equal(masker.message(body, () => {}), body);
});

test('text and tool input are redacted; thinking is kept exactly and its secrets noted', () => {
  const thinking = { type: 'thinking', thinking: `They pasted ${github}.`, signature: 'EqQBsig==' };
  const body = encode(
    message([
      thinking,
      { type: 'text', text: `Use ${github} here.` },
      { type: 'tool_use', id: 'toolu_1', name: 'bash', input: { command: `export GH=${github}` } },
    ]),
  );
  const { findings, onFinding } = collector();
  const out = decode(masker.message(body, onFinding));
  assert.deepEqual(out.content[0], thinking);
  assert.equal(out.content[1].text, 'Use ghp_[REDACTED:github-pat] here.');
  assert.deepEqual(out.content[2].input, { command: 'export GH=ghp_[REDACTED:github-pat]' });
  assert.deepEqual(out.usage, { input_tokens: 1, output_tokens: 2 });
  assert.deepEqual(findings.map((f) => [f.kind, f.block, f.rule]), [['noted', 0, 'github-pat'], ['redacted', 1, 'github-pat'], ['redacted', 2, 'github-pat']]);
});

test('a body that is not a message (an error, not JSON) comes back unchanged', () => {
  const notJson = new TextEncoder().encode(`oops ${github}`);
  assert.equal(masker.message(notJson, () => {}), notJson);
});

test('a body that escapes "/" as "\\/" is still scanned', () => {
  const body = new TextEncoder().encode(
    JSON.stringify(message([{ type: 'text', text: `hook https://hooks.slack.com/services/T0A1B2C3D4/B0A1B2C3D4/${gen(AN, 24)}` }])).replaceAll('/', '\\/'),
  );
  const out = decode(masker.message(body, () => {}));
  assert.equal(out.content[0].text, 'hook https://hooks.slack.com/services/[REDACTED:slack-webhook-url]');
});

test('batch results: each succeeded message is masked, other lines are left as they are', () => {
  const lines = [
    { custom_id: 'req-1', result: { type: 'succeeded', message: message([{ type: 'text', text: `key ${github}` }]) } },
    { custom_id: 'req-2', result: { type: 'errored', error: { type: 'invalid_request_error' } } },
    { custom_id: 'req-3', result: { type: 'succeeded', message: message([{ type: 'text', text: 'fine' }]) } },
  ];
  const body = new TextEncoder().encode(lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  const { findings, onFinding } = collector();
  const out = new TextDecoder().decode(masker.batchResults(body, onFinding)).split('\n');
  assert.equal(JSON.parse(out[0]!).result.message.content[0].text, 'key ghp_[REDACTED:github-pat]');
  assert.equal(out[1], JSON.stringify(lines[1]));
  assert.equal(out[2], JSON.stringify(lines[2]));
  assert.equal(out[3], '');
  assert.deepEqual(findings.map((f) => [f.rule, f.path, f.block]), [['github-pat', 'req-1', 0]]);
  const clean = new TextEncoder().encode(JSON.stringify(lines[2]) + '\n');
  assert.equal(masker.batchResults(clean, () => {}), clean);
});
