/**
 * What recording costs the gateway's own thread (not a test):
 * `node --import tsx bench/recording-thread.bench.ts [--rounds=4] [--baseline=<checkout>] [--variants=worker,thread,baseline]`
 *
 * Claude Code-sized exchanges (as in recording.bench.ts) are played through a recorder and
 * spooled, and the main thread's own CPU time is read from /proc (schedstat of the main
 * thread: the worker's thread and V8's helper threads are not in it), beside the event loop's
 * busy time (`performance.eventLoopUtilization`) and how late a 1 ms timer fires meanwhile.
 * Variants, in rotating order each round, every one on sessions it has not seen:
 * - `worker`: this checkout, records built in the record worker (the default);
 * - `thread`: this checkout, records built on the main thread;
 * - `baseline`: another checkout's recorder (--baseline), e.g. main before the worker.
 * Also: what handing one exchange to the worker costs alone. --profile=<dir> writes a CPU profile
 * of the main thread's measured window per run.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { createRecorder } from '../src/record/index.ts';
import { handOver } from '../src/record/handover.ts';
import { ExchangeCapture } from '../src/record/exchange-capture.ts';
import type { ExchangeStart } from '../src/record/recorder.ts';
import { agentSession, claudeCodeProfile } from '../tests/record/agent-session.ts';
import { chunkBytes, play, sseEvents, startOf } from '../tests/record/fixtures.ts';
import { configFor, tempDir } from '../tests/record/store-helpers.ts';

type Create = typeof createRecorder;
const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const rounds = Number(arg('rounds') ?? 4);
const baselineDir = arg('baseline');
const SESSIONS = 8;
const TURNS = 35;

/** CPU time of the main thread alone, in ms (Linux: its schedstat, in ns). */
function mainThreadCpuMs(): number {
  const [onCpu] = readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ');
  return Number(onCpu) / 1e6;
}

function exchangesFor(seed: number): { start: ExchangeStart; chunks: Uint8Array[] }[] {
  const sessions = Array.from({ length: SESSIONS }, (_, i) => agentSession(TURNS, `thread-${seed}-${i}`, claudeCodeProfile, `Task ${seed}.${i}: fix the failing test.`, 5000 + seed * SESSIONS + i));
  const exchanges = [];
  for (let turn = 0; turn < TURNS; turn++) {
    for (const session of sessions) exchanges.push({ start: startOf(session[turn]!.body), chunks: chunkBytes(sseEvents(session[turn]!.answer).join(''), 50) });
  }
  return exchanges;
}

async function measure(create: Create, options: Parameters<Create>[1], seed: number) {
  const exchanges = exchangesFor(seed);
  const root = await tempDir('bench-thread');
  const recorder = await create(configFor(root, { spoolMaxBytes: 8 * 1024 ** 3, batchMaxAgeMs: 1000 }), { log: () => {}, ...options });
  // Let a worker start before the clock does: its start-up is paid once per process.
  await recorder.flush();
  const delay = monitorEventLoopDelay({ resolution: 1 });
  const profile = arg('profile') ? new Session() : undefined;
  if (profile) {
    profile.connect();
    await profile.post('Profiler.enable');
    await profile.post('Profiler.start');
  }
  const cpu0 = mainThreadCpuMs();
  const process0 = process.cpuUsage();
  const elu0 = performance.eventLoopUtilization();
  const t0 = performance.now();
  delay.enable();
  for (const { start, chunks } of exchanges) play(recorder, start, { status: 200, chunks });
  await recorder.flush();
  delay.disable();
  const wallMs = performance.now() - t0;
  const elu = performance.eventLoopUtilization(elu0);
  const mainMs = mainThreadCpuMs() - cpu0;
  const all = process.cpuUsage(process0);
  const recorded = recorder.stats().recorded;
  if (profile) {
    // The measured window only, main thread: --profile=<dir> gets one file per run.
    const { profile: taken } = await profile.post('Profiler.stop');
    writeFileSync(join(arg('profile')!, `main-${seed}.cpuprofile`), JSON.stringify(taken));
    profile.disconnect();
  }
  await recorder.close();
  const n = exchanges.length;
  return {
    n,
    recorded,
    mainUs: (mainMs * 1000) / n,
    loopBusyUs: (elu.active * 1000) / n,
    processUs: ((all.user + all.system) / n),
    wallMs,
    delayP50: delay.percentile(50) / 1e6,
    delayP99: delay.percentile(99) / 1e6,
    delayMax: delay.max / 1e6,
  };
}

/**
 * Handing one exchange over alone, as the recorder does (packing the chunks, postMessage with
 * the chunks transferred and the body cloned), to a worker that drops each message.
 */
async function handoverCost(): Promise<{ us: number; meanKiB: number }> {
  const exchanges = exchangesFor(999);
  const sink = new Worker("require('node:worker_threads').parentPort.on('message', (m) => { if (m === 'ping') require('node:worker_threads').parentPort.postMessage('pong'); });", { eval: true });
  const settled = () => new Promise((resolve) => { sink.once('message', resolve); sink.postMessage('ping'); });
  const captures = exchanges.map(({ start, chunks }) => {
    const capture = new ExchangeCapture(start, () => {});
    capture.response(200, new Headers({ 'content-type': 'text/event-stream' }));
    for (const chunk of chunks) capture.chunk(chunk);
    capture.end('complete');
    return capture;
  });
  let ms = 0;
  let bytes = 0;
  for (let round = 0; round < 3; round++) {
    await settled();
    const cpu0 = mainThreadCpuMs();
    for (const capture of captures) {
      const { handed, transfer } = handOver(capture);
      if (round === 0) bytes += handed.body.byteLength + handed.chunkBytes.byteLength;
      sink.postMessage({ type: 'build', handed, digests: [] }, transfer);
    }
    ms = mainThreadCpuMs() - cpu0;
  }
  await sink.terminate();
  return { us: (ms * 1000) / captures.length, meanKiB: bytes / captures.length / 1024 };
}

const variants: { name: string; create: Create; options: Parameters<Create>[1] }[] = [
  { name: 'worker', create: createRecorder, options: { buildIn: 'worker' } },
  { name: 'thread', create: createRecorder, options: { buildIn: 'thread' } },
];
if (baselineDir) {
  const baseline = (await import(pathToFileURL(join(baselineDir, 'src/record/index.ts')).href)) as { createRecorder: Create };
  variants.push({ name: 'baseline', create: baseline.createRecorder, options: {} });
}

const only = arg('variants')?.split(',');
if (only) variants.splice(0, variants.length, ...variants.filter((v) => only.includes(v.name)));

const f = (x: number, d = 0) => x.toFixed(d);
console.log(`${SESSIONS * TURNS} exchanges a run; ${rounds} rounds, variant order rotating; load average at start ${f(loadavg()[0] ?? 0, 2)}`);
console.log('round variant   main-thread CPU µs/exch  loop busy µs/exch  process CPU µs/exch  wall ms  timer late p50/p99/max ms  load');
const results = new Map<string, ReturnType<typeof measure> extends Promise<infer R> ? R[] : never>();
for (let round = 0; round < rounds; round++) {
  for (let k = 0; k < variants.length; k++) {
    const variant = variants[(round + k) % variants.length]!;
    const r = await measure(variant.create, variant.options, round * variants.length + k);
    if (r.recorded !== r.n) throw new Error(`${variant.name}: recorded ${r.recorded} of ${r.n}`);
    if (!results.has(variant.name)) results.set(variant.name, []);
    results.get(variant.name)!.push(r);
    console.log(`${String(round).padStart(5)} ${variant.name.padEnd(9)} ${f(r.mainUs).padStart(23)} ${f(r.loopBusyUs).padStart(18)} ${f(r.processUs).padStart(20)} ${f(r.wallMs).padStart(8)}   ${f(r.delayP50, 2)}/${f(r.delayP99, 2)}/${f(r.delayMax, 1)}`.padEnd(118) + f(loadavg()[0] ?? 0, 2));
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
console.log('\nmedians (rounds after the first, which carries JIT and worker start-up):');
for (const [name, rs] of results) {
  const warm = rs.length > 1 ? rs.slice(1) : rs;
  console.log(`  ${name.padEnd(9)} main thread ${f(median(warm.map((r) => r.mainUs)))} µs, loop busy ${f(median(warm.map((r) => r.loopBusyUs)))} µs, process ${f(median(warm.map((r) => r.processUs)))} µs per exchange; timer late p99 ${f(median(warm.map((r) => r.delayP99)), 2)} ms`);
}
const hand = await handoverCost();
console.log(`handover alone (chunks packed and transferred, body cloned by postMessage), third pass: ${f(hand.us, 1)} µs of main thread per exchange, mean ${f(hand.meanKiB)} KiB copied; load average ${f(loadavg()[0] ?? 0, 2)}`);
process.exit(0);
