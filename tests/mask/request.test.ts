import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMasker } from '../../src/mask/index.ts';
import { AN, config, gen } from './fixtures.ts';

const github = `ghp_${gen(AN, 36)}`;
const stripe = `sk_live_${gen(AN, 40)}`;

function request() {
  return {
    model: 'claude',
    max_tokens: 100,
    messages: [
      { role: 'user', content: `old turn with ${stripe}` },
      { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'bash', input: {} }] },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 't1', content: [{ type: 'text', text: `GITHUB_TOKEN=${github}` }] },
          { type: 'text', text: 'what does this print?' },
        ],
      },
    ],
  };
}

const masker = createMasker(config({ prompts: { '*': 'allow', ci: 'mask', strict: 'block' } }));

test('allow: findings in the latest user turn are reported, the body is forwarded as it was', () => {
  const body = request();
  const scan = masker.request(body, 'default');
  assert.equal(scan.action, 'allow');
  assert.equal(scan.body, undefined);
  assert.deepEqual(scan.findings.map((f) => [f.where, f.rule, f.path, f.original]), [
    ['request', 'github-pat', 'messages[2].content[0].content[0].text', github.slice(4)],
  ]);
});

test('only the new part is scanned: secrets in earlier turns are not reported again', () => {
  const scan = masker.request(request(), 'default');
  assert.ok(scan.findings.every((f) => f.original !== stripe));
});

test('mask: the secret is replaced in a re-serialized body; the parsed input is not modified', () => {
  const body = request();
  const scan = masker.request(body, 'ci');
  assert.equal(scan.action, 'mask');
  const forwarded = JSON.parse(new TextDecoder().decode(scan.body));
  assert.equal(forwarded.messages[2].content[0].content[0].text, 'GITHUB_TOKEN=ghp_[REDACTED:github-pat]');
  assert.equal((body as any).messages[2].content[0].content[0].text, `GITHUB_TOKEN=${github}`);
});

test('mask: secrets in earlier user turns, resent with the history, are masked again but reported once', () => {
  const scan = masker.request(request(), 'ci');
  const forwarded = JSON.parse(new TextDecoder().decode(scan.body));
  assert.equal(forwarded.messages[0].content, 'old turn with sk_live_[REDACTED:stripe-secret-key]');
  assert.deepEqual(scan.findings.map((f) => f.rule), ['github-pat']);
});

test('mask: a request whose only secret is in an earlier turn is still forwarded masked', () => {
  const body = { messages: [{ role: 'user', content: `key ${stripe}` }, { role: 'assistant', content: 'ok' }, { role: 'user', content: 'thanks' }] };
  const scan = masker.request(body, 'ci');
  assert.deepEqual(scan.findings, []);
  assert.equal(JSON.parse(new TextDecoder().decode(scan.body)).messages[0].content, 'key sk_live_[REDACTED:stripe-secret-key]');
});

test('block: names the rule, never the secret', () => {
  const scan = masker.request(request(), 'strict');
  assert.equal(scan.action, 'block');
  assert.equal(scan.blockedRule, 'github-pat');
});

test('a request without secrets is allowed whatever the policy', () => {
  const clean = { messages: [{ role: 'user', content: 'hello' }] };
  assert.deepEqual(masker.request(clean, 'strict'), { action: 'allow', findings: [] });
});

test('a string content in the latest user turn is scanned too', () => {
  const scan = masker.request({ messages: [{ role: 'user', content: `here ${github}` }] }, 'ci');
  assert.equal(JSON.parse(new TextDecoder().decode(scan.body)).messages[0].content, 'here ghp_[REDACTED:github-pat]');
});
