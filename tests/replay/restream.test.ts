/** Replay re-streams the recorded bytes, at the recorded pace, scaled by --speed. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRecorder } from '../../src/record/index.ts';
import { restream } from '../../src/replay/restream.ts';
import { chunkBytes, sseEvents, startOf } from '../record/fixtures.ts';
import { configFor, storedRecords, tempDir } from '../record/store-helpers.ts';

async function recordedStream() {
  const root = await tempDir('restream');
  const config = configFor(root);
  const recorder = await createRecorder(config, { log: () => {} });
  const text = sseEvents([{ type: 'text', text: 'Paced replay of a recorded answer.' }]).join('');
  const start = startOf({ model: 'm', messages: [{ role: 'user', content: 'go' }] });
  const exchange = recorder.begin(start);
  exchange.response(200, new Headers({ 'content-type': 'text/event-stream' }));
  for (const chunk of chunkBytes(text, 64)) {
    exchange.chunk(chunk);
    await new Promise((resolve) => setTimeout(resolve, 15));
  }
  exchange.end('complete');
  await recorder.close();
  const [record] = await storedRecords(config.store);
  assert.ok(record);
  return { record, text };
}

/** A clock that only moves when the replay sleeps. */
function fakeClock() {
  let time = 0;
  const sleeps: number[] = [];
  return { sleeps, now: () => time, sleep: async (ms: number) => { sleeps.push(ms); time += ms; } };
}

test('the re-streamed bytes are exactly those the client received', async () => {
  const { record, text } = await recordedStream();
  let out = '';
  for await (const piece of restream(record, { pace: false })) out += piece;
  assert.equal(out, text);
});

test('pieces are released at their recorded offsets, scaled by speed', async () => {
  const { record } = await recordedStream();
  const events = record.response?.stream?.form === 'events' ? record.response.stream.events : [];
  const span = (events[events.length - 1]?.[0] ?? 0) - (events[0]?.[0] ?? 0);
  assert.ok(span > 0);

  const normal = fakeClock();
  for await (const _ of restream(record, normal)) void _;
  assert.equal(normal.sleeps.reduce((a, b) => a + b, 0), span);

  const fast = fakeClock();
  for await (const _ of restream(record, { ...fast, speed: 4 })) void _;
  assert.equal(fast.sleeps.reduce((a, b) => a + b, 0), span / 4);

  const unpaced = fakeClock();
  for await (const _ of restream(record, { ...unpaced, pace: false })) void _;
  assert.deepEqual(unpaced.sleeps, []);
});
