/**
 * Hold-back latency, side by side in one process:
 *   git archive main src/mask | tar -x -C /tmp/old && ln -s "$PWD/node_modules" /tmp/old/
 *   node --import tsx bench/mask-holdback-ab.bench.ts --old /tmp/old/src/mask [--rounds 3]
 *
 * The paced streams of bench/mask.bench.ts's hold-back section (the same seeded prose and code,
 * one event every --gap ms, 1 and 16 streams at once), run through masking off (an identity
 * transform), the masker in --old and this tree's masker, in turn, --rounds times: all three
 * see the same load. For each, per text event, the time until its text has reached the client.
 * Prints p50/p99 and the share of events held past the next event, per round.
 */
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { maskingConfigSchema } from '../src/mask/config.ts';
import { createMasker } from '../src/mask/index.ts';
import { code, deltas, pacedStream, percentile, prose, sse } from './mask-workload.ts';

const { values } = parseArgs({
  options: {
    old: { type: 'string' },
    rounds: { type: 'string', default: '3' },
    gap: { type: 'string', default: '5' },
    'paced-events': { type: 'string', default: '800' },
  },
});
if (!values.old) throw new Error('--old <directory of the other src/mask> is required');
const gapMs = Number(values.gap);
const eventsPerStream = Number(values['paced-events']);

type MakeTransform = () => TransformStream<Uint8Array, Uint8Array>;
const oldDir = resolve(values.old);
const oldConfig = (await import(join(oldDir, 'config.ts'))) as { maskingConfigSchema: { parse(v: unknown): unknown } };
const oldIndex = (await import(join(oldDir, 'index.ts'))) as { createMasker(c: unknown): { sse(f: () => void): TransformStream<Uint8Array, Uint8Array> } };
const oldMasker = oldIndex.createMasker(oldConfig.maskingConfigSchema.parse(undefined));
const newMasker = createMasker(maskingConfigSchema.parse(undefined));
const variants: [string, MakeTransform][] = [
  ['off', () => new TransformStream()],
  ['old', () => oldMasker.sse(() => {})],
  ['new', () => newMasker.sse(() => {})],
];

// Same texts as the hold-back section: even streams prose, odd streams code.
const texts = Array.from({ length: 16 }, (_, i) => (i % 2 === 0 ? prose(eventsPerStream * 9) : code(eventsPerStream * 9)));
const eventsOf = (text: string) => sse(deltas(text)).slice(0, eventsPerStream - 2).concat(sse([]).slice(-2));
const events = texts.map(eventsOf);

async function run(make: MakeTransform, streams: number): Promise<number[]> {
  const all = await Promise.all(events.slice(0, streams).map((e) => pacedStream(make(), e, gapMs)));
  return all.flat().sort((a, b) => a - b);
}

const f = (n: number) => n.toFixed(3).padStart(7);
const rows: { round: number; streams: number; variant: string; p50: number; p99: number; heldPastNextEvent: number; load1: number }[] = [];
for (const streams of [1, 16]) {
  for (const [, make] of variants) await run(make, streams); // warm-up
  for (let round = 1; round <= Number(values.rounds); round++) {
    for (const [variant, make] of variants) {
      const latencies = await run(make, streams);
      const held = latencies.filter((ms) => ms >= gapMs / 2).length / latencies.length;
      rows.push({ round, streams, variant, p50: percentile(latencies, 50), p99: percentile(latencies, 99), heldPastNextEvent: held, load1: Number(loadavg()[0]!.toFixed(2)) });
    }
  }
}

console.log(`hold-back latency A/B, one event every ${gapMs} ms, ${eventsPerStream} events a stream (ms until an event's text is out)`);
console.log('streams round variant   p50      p99    held past next event  load1');
for (const r of rows) {
  console.log(`${String(r.streams).padStart(7)} ${String(r.round).padStart(5)} ${r.variant.padEnd(7)} ${f(r.p50)}  ${f(r.p99)}  ${(r.heldPastNextEvent * 100).toFixed(2).padStart(8)} %            ${r.load1}`);
}
console.log(JSON.stringify({ date: new Date().toISOString(), node: process.version, gapMs, eventsPerStream, rows }));
