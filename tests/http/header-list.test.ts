import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HeaderList } from '../../src/http/header-list.ts';

test('a header list sets, replaces, finds and deletes headers by their lower-case name, in order', () => {
  const list = new HeaderList({ 'Content-Type': 'application/json', 'anthropic-version': '2023-06-01' });
  list.set('x-api-key', 'k');
  list.set('content-type', 'text/plain');
  assert.equal(list.get('content-type'), 'text/plain');
  assert.equal(list.has('x-api-key'), true);
  assert.equal(list.get('authorization'), null);
  list.delete('anthropic-version');
  assert.equal(list.has('anthropic-version'), false);
  assert.deepEqual(list.flat(), ['content-type', 'text/plain', 'x-api-key', 'k']);
  assert.deepEqual(list.pairs(), [['content-type', 'text/plain'], ['x-api-key', 'k']]);
});

test('a header appended twice is one header with both values joined, as Web Headers join them', () => {
  const list = new HeaderList();
  list.append('anthropic-beta', 'one');
  list.append('anthropic-beta', 'two');
  const web = new Headers();
  web.append('anthropic-beta', 'one');
  web.append('anthropic-beta', 'two');
  assert.equal(list.get('anthropic-beta'), web.get('anthropic-beta'));
  assert.deepEqual(list.flat(), ['anthropic-beta', 'one, two']);
});

test('what the transports take is a copy: changing it leaves the list as it was', () => {
  const list = new HeaderList({ accept: 'text/event-stream' });
  list.flat().push('x-injected', '1');
  list.pairs().push(['x-injected', '1']);
  assert.deepEqual(list.flat(), ['accept', 'text/event-stream']);
});
