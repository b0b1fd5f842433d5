/**
 * Start-journal benchmark (not a test): `node --import tsx bench/journal.bench.ts`
 *
 * What it costs to make every exchange's start durable (fdatasync, group commit):
 * 1. the hot path: what `started()` takes per call (it only keeps a reference);
 * 2. a sustained load of RATE starts/s for SECONDS s, run side by side with the same load
 *    and no journal: CPU per call added, fsyncs per second, and how long a start waits
 *    until it is durable (p50/p99).
 *
 * Writes bench/results/journal.json and prints a table.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { startFacts } from '../src/record/inflight.ts';
import type { ExchangeStart } from '../src/record/recorder.ts';
import { StartJournal } from '../src/store/start-journal.ts';
import { startOf } from '../tests/record/fixtures.ts';
import { tempDir } from '../tests/record/store-helpers.ts';

const RATE = Number(process.env.RATE ?? 2000);
const SECONDS = Number(process.env.SECONDS ?? 5);
const HOT_CALLS = 200_000;

const starts: ExchangeStart[] = Array.from({ length: 1000 }, (_, i) => startOf({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: `q${i}` }] }));

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

async function hotPath(): Promise<number> {
  const { journal } = await StartJournal.open<ExchangeStart>(await tempDir('journal-hot'), { describe: startFacts });
  const t0 = performance.now();
  for (let i = 0; i < HOT_CALLS; i++) journal.started(starts[i % starts.length] as ExchangeStart);
  const perCall = ((performance.now() - t0) * 1000) / HOT_CALLS;
  await journal.close();
  return perCall;
}

/** RATE calls per second for SECONDS, in 1 ms ticks; with a journal, samples start-to-durable latency. */
async function sustained(withJournal: boolean): Promise<{ cpuUsPerCall: number; fsyncsPerSecond: number; durableMs: number[] }> {
  const opened = withJournal ? await StartJournal.open<ExchangeStart>(await tempDir('journal-load'), { describe: startFacts }) : undefined;
  const journal = opened?.journal;
  const sink: ExchangeStart[] = [];
  const durableMs: number[] = [];
  const calls = RATE * SECONDS;
  const cpu0 = process.cpuUsage();
  const began = performance.now();
  let made = 0;
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const due = Math.min(calls, Math.round(((performance.now() - began) / 1000) * RATE));
      for (; made < due; made++) {
        const start = starts[made % starts.length] as ExchangeStart;
        if (journal) journal.started(start);
        else sink.push(start);
      }
      if (journal && made % 50 === 0) {
        const t = performance.now();
        void journal.durable().then(() => durableMs.push(performance.now() - t));
      }
      if (sink.length > 10_000) sink.length = 0;
      if (made >= calls) {
        clearInterval(tick);
        resolve();
      }
    }, 1);
  });
  await journal?.durable();
  const elapsed = (performance.now() - began) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const commits = journal?.commits ?? 0;
  await journal?.close();
  return { cpuUsPerCall: (cpu.user + cpu.system) / calls, fsyncsPerSecond: commits / elapsed, durableMs: durableMs.sort((a, b) => a - b) };
}

const load = loadavg();
const hot = await hotPath();
const baseline = await sustained(false);
const journaled = await sustained(true);
const result = {
  at: new Date().toISOString(),
  loadavg: load.map((l) => Number(l.toFixed(2))),
  hotPathUsPerCall: Number(hot.toFixed(3)),
  rate: RATE,
  seconds: SECONDS,
  cpuUsPerCall: { withoutJournal: Number(baseline.cpuUsPerCall.toFixed(2)), withJournal: Number(journaled.cpuUsPerCall.toFixed(2)), added: Number((journaled.cpuUsPerCall - baseline.cpuUsPerCall).toFixed(2)) },
  fsyncsPerSecond: Number(journaled.fsyncsPerSecond.toFixed(1)),
  startToDurableMs: { p50: Number(quantile(journaled.durableMs, 0.5).toFixed(2)), p99: Number(quantile(journaled.durableMs, 0.99).toFixed(2)), samples: journaled.durableMs.length },
};
await mkdir(new URL('./results/', import.meta.url), { recursive: true });
await writeFile(new URL('./results/journal.json', import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
console.log(`start journal, load average ${result.loadavg.join(' ')}
  hot path (started())         ${result.hotPathUsPerCall} µs per call
  CPU per call at ${RATE}/s       ${result.cpuUsPerCall.withJournal} µs with journal, ${result.cpuUsPerCall.withoutJournal} µs without: +${result.cpuUsPerCall.added} µs
  fsyncs                       ${result.fsyncsPerSecond} per second
  start -> durable             p50 ${result.startToDurableMs.p50} ms, p99 ${result.startToDurableMs.p99} ms (${result.startToDurableMs.samples} samples)`);
