/**
 * A compact body is parsed piece by piece only when that gives exactly JSON.parse's object and
 * JSON.stringify of it is exactly the body; anything else is left to the whole-body path.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeCompactObject } from '../../src/record/compact-body.ts';
import { objectLayout } from '../../src/http/json-layout.ts';
import { decodeJsonBody, encodeBody } from '../../src/record/body-form.ts';
import { agentSession, claudeCodeProfile } from './agent-session.ts';

const bytesOf = (text: string) => new TextEncoder().encode(text);

test('the layout finds every field and every message, whatever the strings hold', () => {
  const body = { model: 'm', messages: [{ role: 'user', content: 'a "quoted" \\ back\\slash }]{[' }, { role: 'assistant', content: [{ type: 'text', text: 'é ✓ 🎉' }] }, 'ends in a backslash \\', '\\"', 7, null, 'x'], n: -1.5e-7, t: true, e: [], o: {} };
  const text = JSON.stringify(body);
  const bytes = bytesOf(text);
  const layout = objectLayout(bytes, 'messages');
  assert.ok(layout);
  const decode = ([start, end]: readonly [number, number]) => new TextDecoder().decode(bytes.subarray(start, end));
  assert.deepEqual(layout.fields.map((f) => JSON.parse(decode(f.key))), Object.keys(body));
  assert.deepEqual(layout.fields.map((f) => JSON.parse(decode(f.value))), Object.values(body));
  assert.deepEqual(layout.elements?.map((span) => JSON.parse(decode(span))), body.messages);
});

test('a compact body decodes to what JSON.parse gives, and repeated messages are shared', () => {
  const turns = agentSession(6, 'compact', claudeCodeProfile, 'Compact body test', 77);
  let previous: unknown[] | undefined;
  for (const { body } of turns) {
    const bytes = bytesOf(JSON.stringify(body));
    const parsed = decodeCompactObject(bytes);
    assert.deepEqual(parsed, JSON.parse(JSON.stringify(body)));
    assert.equal(JSON.stringify(parsed), JSON.stringify(body));
    const messages = parsed?.messages as unknown[];
    // The first answer is resent unchanged every turn after it: the same parsed object comes back.
    if (previous && previous.length > 1) assert.equal(messages[1], previous[1]);
    previous = messages;
  }
});

test('bodies that are not exactly JSON.stringify output are left to the whole-body path', () => {
  const notCompact = [
    '{ "model": "m", "messages": [] }',
    '{"model":"m","messages":[ {"role":"user","content":"hi"}]}',
    '{"model":"m","model":"n","messages":[]}',
    '{"2":"b","1":"a"}',
    '{"__proto__":{"x":1}}',
    '{"n":1.0,"messages":[]}',
    '{"s":"\\u0041","messages":[]}',
    '{"model":"m","messages":[{"role":"user","content":"hi"}]',
    '{"model":"m"}x',
    '{"a":\uFEFF1}',
    '[1,2]',
  ];
  for (const text of notCompact) assert.equal(decodeCompactObject(bytesOf(text)), undefined, text);
  // Invalid UTF-8 inside a string.
  const invalid = bytesOf('{"model":"mX","messages":[]}');
  invalid[10] = 0xff;
  assert.equal(decodeCompactObject(invalid), undefined);
});

test('a body that is not compact is still stored exactly (as text), as before', async () => {
  const text = '{"model": "m", "messages": [{"role":"user","content":"hi"}]}';
  const { body } = await encodeBody(bytesOf(text), {}, decodeJsonBody(bytesOf(text)));
  assert.equal(body.form, 'text');
  assert.equal(body.form === 'text' ? body.text : '', text);
});
