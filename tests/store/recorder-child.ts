/**
 * A gateway stand-in for the crash test: records `count` exchanges with ids `<prefix>-<n>`,
 * prints "ended" once the last one has ended, then idles until killed. With count 0 it only
 * drains what an earlier run left in the spool, prints "drained" and exits.
 *
 *   node --import tsx tests/store/recorder-child.ts <spoolDir> <store> <gcsEndpoint> <count> <prefix>
 */
import { recordingConfigSchema } from '../../src/record/config.ts';
import { createRecorder } from '../../src/record/index.ts';
import { playStream, startOf } from '../record/fixtures.ts';

const [spoolDir, store, gcsEndpoint, count, prefix] = process.argv.slice(2) as [string, string, string, string, string];
const config = recordingConfigSchema.parse({ store, gcsEndpoint, spoolDir, uploadRetryMinMs: 20, uploadRetryMaxMs: 200, closeUploadTimeoutMs: 60_000 });
const recorder = await createRecorder(config, { log: () => {} });

if (Number(count) === 0) {
  await recorder.close();
  console.log(`drained ${recorder.stats().pendingBytes === 0 ? 'all' : 'not all'}`);
} else {
  for (let i = 0; i < Number(count); i++) {
    const start = startOf({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: `q${i}` }] }, { id: `${prefix}-${i}` });
    playStream(recorder, start, [{ type: 'text', text: `answer ${i}` }]);
  }
  // One exchange still streaming when the process dies.
  const inFlight = recorder.begin(startOf({ model: 'm', messages: [] }, { id: `${prefix}-in-flight` }));
  inFlight.response(200, new Headers({ 'content-type': 'text/event-stream' }));
  console.log('ended');
  setInterval(() => {}, 1000);
}
