/**
 * A gateway stand-in for the crash test: records `count` exchanges with ids `<prefix>-<n>`,
 * prints "ended" once the last one has ended, begins `<prefix>-in-flight` and streams half of
 * it, then idles until killed. With count 0 it only
 * drains what an earlier run left in the spool, prints "drained" and exits.
 *
 *   node --import tsx tests/store/recorder-child.ts <spoolDir> <store> <gcsEndpoint> <count> <prefix>
 */
import { recordingConfigSchema } from '../../src/record/config.ts';
import { createRecorder } from '../../src/record/index.ts';
import { playStream, sseEvents, startOf } from '../record/fixtures.ts';

const [spoolDir, store, gcsEndpoint, count, prefix] = process.argv.slice(2) as [string, string, string, string, string];
const config = recordingConfigSchema.parse({ store, gcsEndpoint, spoolDir, uploadRetryMinMs: 20, uploadRetryMaxMs: 200, closeUploadTimeoutMs: 60_000 });
const recorder = await createRecorder(config, { log: () => {} });

if (count === 'begin') {
  recorder.begin(startOf({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'killed at once' }] }, { id: `${prefix}-just-begun` }));
  console.log('begun');
  setInterval(() => {}, 1000);
} else if (Number(count) === 0) {
  await recorder.close();
  console.log(`drained ${recorder.stats().pendingBytes === 0 ? 'all' : 'not all'}`);
} else {
  for (let i = 0; i < Number(count); i++) {
    const start = startOf({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: `q${i}` }] }, { id: `${prefix}-${i}` });
    playStream(recorder, start, [{ type: 'text', text: `answer ${i}` }]);
  }
  // One exchange still streaming when the process dies: half its answer has been sent.
  const inFlight = recorder.begin(startOf({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'long one' }] }, { id: `${prefix}-in-flight` }));
  inFlight.response(200, new Headers({ 'content-type': 'text/event-stream' }));
  const events = sseEvents([{ type: 'text', text: 'a long answer that never finished' }]);
  for (const event of events.slice(0, 6)) inFlight.chunk(new TextEncoder().encode(event));
  console.log('ended');
  setInterval(() => {}, 1000);
}
