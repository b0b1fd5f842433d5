/**
 * Masker benchmark: `node --import tsx bench/mask.bench.ts [--mb 8]`
 *
 *  - throughput (MB/s of SSE, one core) of the streaming masker over prose and over code;
 *  - characters held back per text delta on secret-free prose (median, p99);
 *  - added latency per event, masking on versus off (an identity transform), p50 and p99;
 *  - hold-back latency: streams paced like a live answer (one event every --gap ms), 1 and 16
 *    at once; for each text event, the time from writing it until all of its text has reached
 *    the client. Text held back waits for the next event (or content_block_stop), so this is
 *    where the release rule shows; masking on versus off, p50 and p99.
 *
 * Targets: >= 100 MB/s, median hold-back 0, added per-event p99 <= 1 ms, hold-back latency
 * p99 within 1 ms of masking off at 1 and 16 streams.
 * Prints a table and writes bench/results/mask.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { maskingConfigSchema } from '../src/mask/config.ts';
import { createMasker } from '../src/mask/index.ts';
import { Redactor } from '../src/mask/redactor.ts';
import { compileRuleset } from '../src/mask/ruleset.ts';
import { chunks, code, deltas, encoder, pacedStream, percentile, prose, sse } from './mask-workload.ts';

const { values } = parseArgs({
  options: {
    mb: { type: 'string', default: '8' },
    events: { type: 'string', default: '5000' },
    gap: { type: 'string', default: '5' },
    'paced-events': { type: 'string', default: '800' },
  },
});
const targetBytes = Number(values.mb) * 1024 * 1024;
const latencyEvents = Number(values.events);

async function pump(transform: TransformStream<Uint8Array, Uint8Array>, input: Uint8Array[]): Promise<number> {
  const writer = transform.writable.getWriter();
  const reader = transform.readable.getReader();
  let bytes = 0;
  const reading = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      bytes += value.length;
    }
  })();
  for (const chunk of input) await writer.write(chunk);
  await writer.close();
  await reading;
  return bytes;
}

const config = maskingConfigSchema.parse(undefined);
const masker = createMasker(config);

async function throughput(name: string, text: string, randomCuts = false): Promise<{ corpus: string; mb: number; mbPerSecond: number; passedUnchanged: number }> {
  const input = chunks(sse(deltas(text, randomCuts)));
  const total = input.reduce((n, c) => n + c.length, 0);
  // Steady state: one full pass warms the JIT up, then the median of three timed passes.
  await pump(masker.sse(() => {}), input);
  const rates: number[] = [];
  let out = 0;
  for (let run = 0; run < 3; run++) {
    const started = performance.now();
    out = await pump(masker.sse(() => {}), input);
    rates.push(total / 1048576 / ((performance.now() - started) / 1000));
  }
  rates.sort((a, b) => a - b);
  return { corpus: name, mb: total / 1048576, mbPerSecond: rates[1]!, passedUnchanged: out === total ? 1 : out / total };
}

function holdback(text: string, randomCuts = false): { median: number; p99: number; max: number; deltas: number } {
  const ruleset = compileRuleset(config);
  const redactor = new Redactor(ruleset, config.holdbackCap, () => {});
  const held: number[] = [];
  for (const part of deltas(text, randomCuts)) {
    redactor.push(part);
    held.push(redactor.held);
  }
  held.sort((a, b) => a - b);
  return { median: percentile(held, 50), p99: percentile(held, 99), max: held.at(-1)!, deltas: held.length };
}

/**
 * Time from writing one event (one event per chunk, as a live stream sends them) until the
 * transform has handled it and its output is queued for the client, with the client reading.
 * Events whose text is held back produce no output of their own, so the write is what is timed.
 */
async function eventLatency(transform: TransformStream<Uint8Array, Uint8Array>, events: Uint8Array[]): Promise<number[]> {
  const writer = transform.writable.getWriter();
  const reader = transform.readable.getReader();
  const draining = (async () => {
    while (!(await reader.read()).done);
  })();
  const times: number[] = [];
  for (const event of events) {
    const started = performance.now();
    await writer.write(event);
    times.push(performance.now() - started);
  }
  await writer.close();
  await draining;
  return times;
}

async function latency(): Promise<{ offP50: number; offP99: number; onP50: number; onP99: number; addedP50: number; addedP99: number }> {
  const events = sse(deltas(prose(latencyEvents * 8))).slice(0, latencyEvents).map((e) => encoder.encode(e));
  await eventLatency(new TransformStream(), events.slice(0, 500));
  await eventLatency(masker.sse(() => {}), events.slice(0, 500));
  const off = (await eventLatency(new TransformStream(), events)).sort((a, b) => a - b);
  const on = (await eventLatency(masker.sse(() => {}), events)).sort((a, b) => a - b);
  const [offP50, offP99, onP50, onP99] = [percentile(off, 50), percentile(off, 99), percentile(on, 50), percentile(on, 99)];
  return { offP50, offP99, onP50, onP99, addedP50: onP50 - offP50, addedP99: onP99 - offP99 };
}

async function holdbackLatency(streams: number, gapMs: number, eventsPerStream: number): Promise<{ streams: number; offP50: number; offP99: number; onP50: number; onP99: number; addedP99: number; heldPastNextEventOn: number; heldPastNextEventOff: number }> {
  // Answers as the API streams them: prose and code, one to three tokens a delta, each stream
  // its own text, several blocks' worth ending in content_block_stop.
  const texts = Array.from({ length: streams }, (_, i) => (i % 2 === 0 ? prose(eventsPerStream * 9) : code(eventsPerStream * 9)));
  const eventsOf = (text: string) => sse(deltas(text)).slice(0, eventsPerStream - 2).concat(sse([]).slice(-2));
  const run = async (on: boolean) =>
    (await Promise.all(texts.map((text) => pacedStream(on ? masker.sse(() => {}) : new TransformStream(), eventsOf(text), gapMs)))).flat().sort((a, b) => a - b);
  await run(true); // warm-up
  const off = await run(false);
  const on = await run(true);
  const late = (list: number[]) => list.filter((ms) => ms >= gapMs / 2).length / list.length;
  const [offP50, offP99, onP50, onP99] = [percentile(off, 50), percentile(off, 99), percentile(on, 50), percentile(on, 99)];
  return { streams, offP50, offP99, onP50, onP99, addedP99: onP99 - offP99, heldPastNextEventOn: late(on), heldPastNextEventOff: late(off) };
}

const proseText = prose(Math.floor(targetBytes / 7));
const codeText = code(Math.floor(targetBytes / 7));
const results = {
  date: new Date().toISOString(),
  node: process.version,
  throughput: [
    await throughput('prose', proseText),
    await throughput('code', codeText),
    await throughput('prose, cuts anywhere', proseText, true),
  ],
  holdbackProse: holdback(proseText.slice(0, 2_000_000)),
  holdbackProseCutsAnywhere: holdback(proseText.slice(0, 2_000_000), true),
  latencyMs: await latency(),
  holdbackLatencyMs: {
    gapMs: Number(values.gap),
    oneStream: await holdbackLatency(1, Number(values.gap), Number(values['paced-events'])),
    sixteenStreams: await holdbackLatency(16, Number(values.gap), Number(values['paced-events'])),
  },
  loadAverage: loadavg().map((l) => Number(l.toFixed(2))),
  targets: { mbPerSecond: 100, holdbackMedian: 0, addedP99Ms: 1, holdbackAddedP99Ms: 1 },
};

const f = (n: number, d = 1) => n.toFixed(d);
console.log('masker benchmark (one core)');
console.log('corpus                 SSE MB    MB/s');
for (const t of results.throughput) console.log(`${t.corpus.padEnd(22)} ${f(t.mb).padStart(6)}  ${f(t.mbPerSecond).padStart(6)}`);
const h = results.holdbackProse;
const hc = results.holdbackProseCutsAnywhere;
console.log(`held back on prose, chars per delta: median ${h.median}, p99 ${h.p99}, max ${h.max} (${h.deltas} token deltas)`);
console.log(`  with cuts anywhere:                median ${hc.median}, p99 ${hc.p99}, max ${hc.max} (${hc.deltas} deltas)`);
const l = results.latencyMs;
console.log(`per-event latency ms   p50      p99`);
console.log(`  masking off        ${f(l.offP50, 4)}  ${f(l.offP99, 4)}`);
console.log(`  masking on         ${f(l.onP50, 4)}  ${f(l.onP99, 4)}`);
console.log(`  added              ${f(l.addedP50, 4)}  ${f(l.addedP99, 4)}`);
const paced = [results.holdbackLatencyMs.oneStream, results.holdbackLatencyMs.sixteenStreams];
console.log(`hold-back latency, one event every ${results.holdbackLatencyMs.gapMs} ms (ms until an event's text is out)`);
console.log(`  streams  off p50   off p99   on p50    on p99    added p99  held past next event (on / off)`);
for (const p of paced) {
  console.log(`  ${String(p.streams).padStart(7)}  ${f(p.offP50, 3).padStart(7)}  ${f(p.offP99, 3).padStart(7)}  ${f(p.onP50, 3).padStart(7)}  ${f(p.onP99, 3).padStart(7)}  ${f(p.addedP99, 3).padStart(9)}  ${(p.heldPastNextEventOn * 100).toFixed(2)} % / ${(p.heldPastNextEventOff * 100).toFixed(2)} %`);
}
console.log(`load average ${results.loadAverage.join(' ')}`);
const met = results.throughput.slice(0, 2).every((t) => t.mbPerSecond >= 100) && h.median === 0 && l.addedP99 <= 1 && paced.every((p) => p.addedP99 <= 1);
console.log(met ? 'all targets met' : 'TARGET MISSED');
await mkdir(new URL('./results/', import.meta.url), { recursive: true });
await writeFile(new URL('./results/mask.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
