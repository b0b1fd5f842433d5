/** A history delta rebuilds the request's messages exactly, key order included. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalMessage } from '../../src/record/canonical.ts';
import { applyDelta, diffHistory } from '../../src/record/history-delta.ts';

const roundTrip = (parent: unknown[], messages: unknown[], keep: number) => {
  const delta = diffHistory('p', parent, messages, keep);
  assert.equal(JSON.stringify(applyDelta(parent, delta)), JSON.stringify(messages));
  return delta;
};

test('a moved cache_control marker is stored as two small edits, new messages appended', () => {
  const parent = [
    { role: 'user', content: [{ type: 'text', text: 'first', cache_control: { type: 'ephemeral' } }] },
    { role: 'assistant', content: [{ type: 'text', text: 'answer' }] },
  ];
  const messages = [
    { role: 'user', content: [{ type: 'text', text: 'first' }] },
    { role: 'assistant', content: [{ type: 'text', text: 'answer' }] },
    { role: 'user', content: [{ type: 'text', text: 'second', cache_control: { type: 'ephemeral' } }] },
  ];
  const delta = roundTrip(parent, messages, 2);
  assert.deepEqual(delta.edits, [{ path: [0, 'content', 0, 'cache_control'], remove: true }]);
  assert.equal(delta.append.length, 1);
});

test('a string content resent as a text block is an edit of that message only', () => {
  const parent = [{ role: 'user', content: 'hello' }, { role: 'assistant', content: [{ type: 'text', text: 'hi' }] }];
  const messages = [{ role: 'user', content: [{ type: 'text', text: 'hello' }] }, parent[1], { role: 'user', content: 'next' }];
  const delta = roundTrip(parent, messages, 2);
  assert.deepEqual(delta.edits, [{ path: [0, 'content'], value: [{ type: 'text', text: 'hello' }] }]);
});

test('a block resent with its keys in another order is rebuilt in that order', () => {
  const parent = [{ role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'Read', input: { a: 1 } }] }];
  const messages = [{ role: 'assistant', content: [{ id: 't', type: 'tool_use', input: { a: 1 }, name: 'Read' }] }];
  roundTrip(parent, messages, 1);
});

test('applying a delta leaves the parent conversation untouched', () => {
  const parent = [{ role: 'user', content: [{ type: 'text', text: 'x', cache_control: { type: 'ephemeral' } }] }];
  const copy = structuredClone(parent);
  applyDelta(parent, diffHistory('p', parent, [{ role: 'user', content: [{ type: 'text', text: 'x' }] }], 1));
  assert.deepEqual(parent, copy);
});

test('canonical messages ignore cache_control, null fields, key order and string-vs-block content', () => {
  assert.equal(
    canonicalMessage({ role: 'user', content: 'hi' }),
    canonicalMessage({ content: [{ text: 'hi', type: 'text', cache_control: { type: 'ephemeral' }, citations: null }], role: 'user' }),
  );
  assert.notEqual(canonicalMessage({ role: 'user', content: 'hi' }), canonicalMessage({ role: 'user', content: 'hi!' }));
});
