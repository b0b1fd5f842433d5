import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseJsonBody, parsePiecewise } from '../../src/proxy/json-body.ts';
import { agentSession, claudeCodeProfile } from '../record/agent-session.ts';

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

test('an agent-sized request parsed piece by piece equals JSON.parse of the whole, every turn', () => {
  for (const { body } of agentSession(12, 'session-1', claudeCodeProfile)) {
    const text = JSON.stringify(body);
    assert.ok(text.length > 60_000);
    const pieces = parsePiecewise(encode(text));
    assert.ok(pieces !== undefined, 'a compact body is laid out piece by piece');
    assert.deepEqual(pieces, JSON.parse(text));
    assert.deepEqual(parseJsonBody(encode(text), 'application/json'), JSON.parse(text));
  }
});

test('piece by piece keeps JSON.parse semantics: a repeated key keeps its first place and last value, numeric keys, unicode', () => {
  const big = 'x'.repeat(70 * 1024);
  const cases = [
    `{"model":"a","messages":[{"role":"user","content":"${big}"}],"model":"b"}`,
    `{"2":"two","1":"one","messages":[],"a":{"nested":[1,2.5e3,-0,true,null]}}`,
    `{"messages":[{"role":"user","content":"Ünïcode 🎉 \\u00e9 \\" \\\\ ${big}"}],"messages":"not an array"}`,
    `{"messages":"plain","system":[{"type":"text","text":"${big}"}]}`,
  ];
  for (const text of cases) {
    const whole = JSON.parse(text);
    assert.deepEqual(parsePiecewise(encode(text)), whole, text.slice(0, 60));
    assert.deepEqual(Object.keys(parsePiecewise(encode(text))!), Object.keys(whole));
  }
});

test('a "__proto__" key or a body not in compact layout is left to the whole parse, with the same result', () => {
  const padding = 'p'.repeat(70 * 1024);
  const proto = `{"__proto__":{"polluted":true},"messages":[],"pad":"${padding}"}`;
  assert.equal(parsePiecewise(encode(proto)), undefined);
  const parsed = parseJsonBody(encode(proto), 'application/json') as Record<string, unknown>;
  assert.ok(Object.hasOwn(parsed, '__proto__'));
  assert.equal(({} as Record<string, unknown>).polluted, undefined);

  const spaced = `{ "model": "m", "messages": [ {"role":"user","content":"${padding}"} ] }`;
  assert.equal(parsePiecewise(encode(spaced)), undefined);
  assert.deepEqual(parseJsonBody(encode(spaced), 'application/json'), JSON.parse(spaced));
});

test('a malformed large body gives undefined, as the whole parse does, and so does a body that is not JSON', () => {
  const padding = 'q'.repeat(70 * 1024);
  for (const text of [
    `{"model":"m","messages":[{"role":"user","content":"${padding}"}],"max_tokens":01}`,
    `{"model":"m","messages":[{"role":"user","content":"${padding}"},],"x":1}`,
    `{"model":"m","messages":[{"role":"user","content":"${padding}"}]`,
    `{"model":"m","messages":[{"role":"user","content":"${padding}}]}`,
  ]) {
    assert.throws(() => JSON.parse(text));
    assert.equal(parseJsonBody(encode(text), 'application/json'), undefined, text.slice(-30));
  }
  assert.equal(parseJsonBody(encode(`{"a":"${padding}"}`), 'text/plain'), undefined);
  assert.equal(parseJsonBody(new Uint8Array(0), 'application/json'), undefined);
});
