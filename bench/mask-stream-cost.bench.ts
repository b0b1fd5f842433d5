/**
 * The response masker's CPU per stream, in process: the short bench's realistic stream (thinking,
 * text and tool-input deltas, block starts and stops, one event per chunk as the simulator sends
 * them) through `sseMasker`, alternated round by round with another checkout's masker.
 *
 *   node --import tsx bench/mask-stream-cost.bench.ts [--baseline=<checkout>] [--rounds=10] [--streams=2000]
 *
 * Prints the median µs per stream of each; no thresholds (the machine is shared).
 */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { buildStreamScript, realisticScenario } from './simulator/scenario.ts';
import * as mine from '../src/mask/index.ts';

const { values } = parseArgs({ options: { baseline: { type: 'string' }, rounds: { type: 'string', default: '10' }, streams: { type: 'string', default: '2000' } } });
const rounds = Number(values.rounds), streams = Number(values.streams);
type MaskModule = typeof mine;
const maskers: [string, MaskModule][] = [['this checkout', mine]];
if (values.baseline) maskers.push([`baseline (${values.baseline})`, (await import(resolve(values.baseline, 'src/mask/index.ts'))) as MaskModule]);

const chunks = buildStreamScript(realisticScenario).emissions.map((e) => new TextEncoder().encode(e.text));
const out = { bytes: 0, enqueue(chunk: Uint8Array) { this.bytes += chunk.length; } };
const runs = maskers.map(([name, module]) => ({ name, masker: module.createMasker(module.maskingConfigSchema.parse({})), perStream: [] as number[] }));

function stream(masker: ReturnType<MaskModule['createMasker']>): void {
  const sse = masker.sseMasker(() => {});
  for (const chunk of chunks) sse.chunk(chunk, out);
  sse.finish(out);
}

for (const run of runs) for (let i = 0; i < streams; i++) stream(run.masker);
for (let round = 0; round < rounds; round++) {
  for (const run of runs) {
    const t0 = performance.now();
    for (let i = 0; i < streams; i++) stream(run.masker);
    run.perStream.push(((performance.now() - t0) / streams) * 1000);
  }
  process.stderr.write(`round ${round + 1}/${rounds}\n`);
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
console.log(`${chunks.length} chunks per stream, ${streams} streams a round, ${rounds} rounds alternated`);
for (const run of runs) console.log(`${run.name}: ${median(run.perStream).toFixed(1)} µs per stream (median; range ${Math.min(...run.perStream).toFixed(1)}-${Math.max(...run.perStream).toFixed(1)})`);
