/**
 * Sessions: from the caller's session header or Claude Code's metadata, otherwise inferred
 * when a request continues an earlier exchange of the same identity; stored as history
 * deltas with system and tools stored once, and rebuilt exactly.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRecorder } from '../../src/record/index.ts';
import { RecordSet } from '../../src/replay/record-set.ts';
import { agentSession } from './agent-session.ts';
import { bob, playStream, startOf } from './fixtures.ts';
import { configFor, storedRecords, tempDir } from './store-helpers.ts';

test('a 30-turn agent session is threaded, stored as deltas, and every request rebuilds byte for byte', async () => {
  const root = await tempDir('agent');
  const config = configFor(root);
  const recorder = await createRecorder(config, { log: () => {} });
  const turns = agentSession(30);
  const starts = turns.map((turn) => {
    const start = startOf(turn.body);
    playStream(recorder, start, turn.answer);
    return start;
  });
  await recorder.close();

  const records = await storedRecords(config.store);
  const set = new RecordSet(records);
  for (const start of starts) assert.deepEqual(await set.requestBody(start.id), start.request.body);

  const first = set.get(starts[0]?.id as string);
  assert.equal(first?.session.source, 'new');
  assert.ok(first?.defs && Object.keys(first.defs).length === 2, 'system and tools are defined once, in the first record');
  starts.slice(1).forEach((start, i) => {
    const record = set.get(start.id);
    assert.equal(record?.session.id, first?.session.id);
    assert.equal(record?.session.source, 'inferred');
    assert.equal(record?.parent, starts[i]?.id);
    assert.equal(record?.defs, undefined);
    const stored = record?.request.body;
    assert.ok(stored?.form === 'json' && stored.history && stored.refs?.system && stored.refs.tools);
    assert.equal(stored.history.append.length, 1, 'only the new tool result is stored');
  });
});

test('the session id comes from x-claude-code-session-id, then metadata.user_id', async () => {
  const root = await tempDir('named');
  const config = configFor(root, { sessionHeader: 'x-session' });
  const recorder = await createRecorder(config, { log: () => {} });
  const [one] = agentSession(1, 'meta-session');
  const fromHeader = startOf({ model: 'm', messages: [{ role: 'user', content: 'a' }] }, { headers: { 'x-claude-code-session-id': 'cc-session' } });
  const fromCustom = startOf({ model: 'm', messages: [{ role: 'user', content: 'b' }] }, { headers: { 'x-session': 'custom-session' } });
  const fromMetadata = startOf(one?.body);
  for (const start of [fromHeader, fromCustom, fromMetadata]) playStream(recorder, start, [{ type: 'text', text: 'ok' }]);
  await recorder.close();
  const set = new RecordSet(await storedRecords(config.store));
  assert.deepEqual(set.get(fromHeader.id)?.session, { id: 'cc-session', source: 'header' });
  assert.deepEqual(set.get(fromCustom.id)?.session, { id: 'custom-session', source: 'header' });
  assert.deepEqual(set.get(fromMetadata.id)?.session, { id: 'meta-session', source: 'metadata' });
});

test('a conversation of another identity never joins the session', async () => {
  const root = await tempDir('identities');
  const config = configFor(root);
  const recorder = await createRecorder(config, { log: () => {} });
  const [first, second] = agentSession(2);
  const alices = startOf(first?.body);
  playStream(recorder, alices, first?.answer ?? []);
  const bobs = startOf(second?.body, { identity: bob });
  playStream(recorder, bobs, second?.answer ?? []);
  await recorder.close();
  const set = new RecordSet(await storedRecords(config.store));
  assert.equal(set.get(bobs.id)?.parent, null);
  assert.equal(set.get(bobs.id)?.session.source, 'new');
  assert.deepEqual(await set.requestBody(bobs.id), bobs.request.body);
});

test('a request that changes earlier history still rebuilds exactly, as a delta from the longest common prefix', async () => {
  const root = await tempDir('edited');
  const config = configFor(root);
  const recorder = await createRecorder(config, { log: () => {} });
  const base = { model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'one' }] };
  const a = startOf(base);
  playStream(recorder, a, [{ type: 'text', text: 'reply' }]);
  // Same first message, but the client rewrote the assistant's answer before continuing.
  const b = startOf({ ...base, messages: [...base.messages, { role: 'assistant', content: 'edited reply' }, { role: 'user', content: 'two' }] });
  playStream(recorder, b, [{ type: 'text', text: 'ok' }]);
  await recorder.close();
  const set = new RecordSet(await storedRecords(config.store));
  assert.equal(set.get(b.id)?.parent, a.id);
  assert.deepEqual(await set.requestBody(b.id), b.request.body);
});
