/**
 * Recording benchmark (not a test): `node --import tsx bench/recording.bench.ts`
 *
 * 1. Bytes stored for a 30-turn agent-style session (growing history, tool calls, system
 *    prompt and tools resent every call) against naive full records (whole request, whole
 *    SSE text, every time). Target: at most 10%.
 * 2. The recorder's hot-path cost: what begin/chunk/end take on the gateway's stream.
 * 3. Throughput: Claude Code-sized exchanges (requests of 65-235 KB resending the history,
 *    several sessions interleaved) built, chained, batched and spooled, per CPU second of
 *    this process. Target: >= 400 per core.
 *
 * Writes bench/results/recording.json and prints a table.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { createRecorder } from '../src/record/index.ts';
import type { ExchangeRecord } from '../src/record/record.ts';
import { decodeBatch } from '../src/record/batch-file.ts';
import { RecordSet } from '../src/replay/record-set.ts';
import { responseEvents } from '../src/replay/restream.ts';
import { listBatches } from '../src/store/reader.ts';
import { openSink } from '../src/store/sink.ts';
import { verifyStore } from '../src/store/verify.ts';
import type { ExchangeStart } from '../src/record/recorder.ts';
import { agentSession, claudeCodeProfile, lightProfile, type SessionProfile } from '../tests/record/agent-session.ts';
import { chunkBytes, play, playStream, sseEvents, startOf } from '../tests/record/fixtures.ts';
import { configFor, storedRecords, tempDir } from '../tests/record/store-helpers.ts';

const TURNS = 30;

interface Stored {
  records: ExchangeRecord[];
  bodies: Map<string, Uint8Array>;
  /** Each batch file: its bytes on disk, its header line, and the ids of its records. */
  batches: { bytes: number; header: string; ids: string[] }[];
}

async function recordSession(profile: SessionProfile): Promise<Stored> {
  const root = await tempDir('bench');
  const config = configFor(root);
  const recorder = await createRecorder(config, { log: () => {} });
  const bodies = new Map<string, Uint8Array>();
  for (const turn of agentSession(TURNS, undefined, profile)) {
    const start = startOf(turn.body);
    bodies.set(start.id, start.request.body);
    playStream(recorder, start, turn.answer);
    // Agent turns are seconds apart: each lands in a batch of its own, as on a quiet gateway.
    await recorder.flush();
  }
  await recorder.close();
  const sink = await openSink(config.store);
  const batches: Stored['batches'] = [];
  for (const name of await listBatches(sink)) {
    const bytes = await sink.read(name);
    const { header, lines } = await decodeBatch(bytes);
    batches.push({ bytes: bytes.byteLength, header: JSON.stringify(header), ids: lines.map((l) => (JSON.parse(l) as { id: string }).id) });
  }
  return { records: await storedRecords(config.store), bodies, batches };
}

/**
 * The naive record: the whole request body and the whole SSE text, every exchange, in the
 * same batch files (same header, same gzip), so only the record format differs.
 */
async function naiveBytes({ records, batches }: Stored): Promise<{ raw: number; gzip: number }> {
  const set = new RecordSet(records);
  const lines = new Map<string, string>();
  for (const record of records) {
    const body = JSON.parse(new TextDecoder().decode(await set.requestBody(record.id))) as unknown;
    const sse = (await responseEvents(record)).map((e) => e.text).join('');
    const { defs: _defs, ...rest } = record;
    lines.set(record.id, JSON.stringify({ ...rest, request: { ...record.request, body }, response: { ...record.response, stream: undefined, sse } }));
  }
  let raw = 0;
  let gzip = 0;
  for (const batch of batches) {
    const text = `${batch.header}\n${batch.ids.map((id) => `${lines.get(id)}\n`).join('')}`;
    raw += Buffer.byteLength(text);
    gzip += gzipSync(text).byteLength;
  }
  return { raw, gzip };
}

async function hotPath(): Promise<{ chunkNs: number; exchangeUs: number; chunksPerExchange: number }> {
  const root = await tempDir('bench-hot');
  const recorder = await createRecorder(configFor(root), { log: () => {} });
  const chunks = chunkBytes(sseEvents([{ type: 'text', text: 'token '.repeat(400) }]).join(''), 64);
  const body = { model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] };
  const headers = new Headers({ 'content-type': 'text/event-stream' });
  const rounds = 300;
  let chunkTime = 0;
  let total = 0;
  for (let i = 0; i < rounds; i++) {
    const start = startOf(body);
    const t0 = performance.now();
    const exchange = recorder.begin(start);
    exchange.response(200, headers);
    const t1 = performance.now();
    for (const chunk of chunks) exchange.chunk(chunk);
    const t2 = performance.now();
    exchange.end('complete');
    total += performance.now() - t0;
    chunkTime += t2 - t1;
    if (i % 50 === 49) await recorder.flush();
  }
  await recorder.close();
  return { chunkNs: (chunkTime / (rounds * chunks.length)) * 1e6, exchangeUs: (total / rounds) * 1e3, chunksPerExchange: chunks.length };
}

/**
 * What was written is sound: `scribe verify`'s check passes, every request body rebuilds to the
 * exact bytes forwarded, and how many records are stored as deltas of a parent.
 */
async function checkStore(store: string, starts: ExchangeStart[]) {
  const sink = await openSink(store);
  const report = await verifyStore(sink);
  const records = await storedRecords(store);
  const set = new RecordSet(records);
  let bodiesExact = 0;
  for (const start of starts) {
    const rebuilt = await set.requestBody(start.id).catch(() => new Uint8Array(0));
    if (Buffer.compare(Buffer.from(rebuilt), Buffer.from(start.request.body)) === 0) bodiesExact++;
  }
  return { verifyProblems: report.problems.length, bodiesExact, threaded: records.filter((r) => r.parent !== null).length };
}

/**
 * `round` picks the sessions: every round's are new (no message of one is in another), so a
 * second round measures a warmed-up process (JIT done, as in a gateway that has been serving)
 * on traffic it has never seen.
 */
async function throughput(sessionCount: number, turns: number, round = 0) {
  const sessions = Array.from({ length: sessionCount }, (_, i) => {
    const variant = round * sessionCount + i + 1;
    return agentSession(turns, `tp-${round}-${i}`, claudeCodeProfile, `Task ${i}: fix the failing test in src/record and explain the cause.`, variant);
  });
  const exchanges = [];
  // The answers' SSE bytes are made before the clock starts: only the recorder is measured.
  for (let turn = 0; turn < turns; turn++) {
    for (const session of sessions) exchanges.push({ start: startOf(session[turn]!.body), chunks: chunkBytes(sseEvents(session[turn]!.answer).join(''), 50) });
  }
  const sizes = exchanges.map((e) => e.start.request.body.byteLength);
  const root = await tempDir('bench-throughput');
  const recorder = await createRecorder(configFor(root, { spoolMaxBytes: 8 * 1024 ** 3, batchMaxAgeMs: 1000 }), { log: () => {} });
  const cpuBefore = process.cpuUsage();
  const t0 = performance.now();
  for (const { start, chunks } of exchanges) play(recorder, start, { status: 200, chunks });
  // With --loop-delay: how late a 1 ms timer fires while the backlog is built (what a stream's
  // next event would wait). Off by default: the timer's wake-ups cost CPU of their own.
  const loopDelay = process.argv.includes('--loop-delay') ? monitorEventLoopDelay({ resolution: 1 }) : undefined;
  loopDelay?.enable();
  await recorder.flush();
  loopDelay?.disable();
  if (loopDelay) {
    const ms = (ns: number) => (ns / 1e6).toFixed(2);
    console.log(`round ${round}: event-loop delay while building: p50 ${ms(loopDelay.percentile(50))} p99 ${ms(loopDelay.percentile(99))} max ${ms(loopDelay.max)} ms (load average ${(loadavg()[0] ?? 0).toFixed(2)})`);
  }
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuS = (cpu.user + cpu.system) / 1e6;
  const stats = recorder.stats();
  await recorder.close();
  const check = await checkStore(configFor(root).store, exchanges.map((e) => e.start));
  return {
    exchanges: exchanges.length,
    recorded: stats.recorded,
    ...check,
    requestKiB: { min: Math.round(Math.min(...sizes) / 1024), max: Math.round(Math.max(...sizes) / 1024), mean: Math.round(sizes.reduce((a, b) => a + b, 0) / sizes.length / 1024) },
    wallMs: Math.round(wallMs),
    cpuSeconds: Number(cpuS.toFixed(2)),
    perSecondWall: Math.round((exchanges.length / wallMs) * 1000),
    perCpuSecond: Math.round(exchanges.length / cpuS),
  };
}

/**
 * Exchanges offered at `rate` per second of wall time (in 10 ms ticks), as a gateway serving
 * that rate would end them, with the default spool bound: whether the recorder keeps up (its
 * largest backlog, how long after the last exchange everything was spooled) and whether any
 * exchange was served unrecorded. Wall-clock, so it depends on the CPU the machine gives.
 */
async function paced(rate: number, round: number) {
  const sessions = Array.from({ length: 8 }, (_, i) => agentSession(35, `paced-${round}-${i}`, claudeCodeProfile, `Paced task ${i}.`, 1000 + round * 8 + i));
  const exchanges = [];
  for (let turn = 0; turn < 35; turn++) {
    for (const session of sessions) exchanges.push({ start: startOf(session[turn]!.body), chunks: chunkBytes(sseEvents(session[turn]!.answer).join(''), 50) });
  }
  const root = await tempDir('bench-paced');
  const recorder = await createRecorder(configFor(root, { batchMaxAgeMs: 1000 }), { log: () => {} });
  const perTick = rate / 100;
  let offered = 0;
  let maxBacklog = 0;
  const t0 = performance.now();
  while (offered < exchanges.length) {
    const due = Math.min(exchanges.length, Math.floor(((performance.now() - t0) / 1000) * rate) + perTick);
    for (; offered < due; offered++) play(recorder, exchanges[offered]!.start, { status: 200, chunks: exchanges[offered]!.chunks });
    maxBacklog = Math.max(maxBacklog, recorder.stats().toBuild);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const offeredMs = performance.now() - t0;
  await recorder.flush();
  const drainMs = performance.now() - t0 - offeredMs;
  const stats = recorder.stats();
  await recorder.close();
  return { rate, exchanges: exchanges.length, offeredMs: Math.round(offeredMs), maxBacklog, drainAfterLastMs: Math.round(drainMs), recorded: stats.recorded, unrecorded: stats.unrecorded };
}

async function compare(profile: SessionProfile) {
  const stored = await recordSession(profile);
  const naive = await naiveBytes(stored);
  const scribeGzip = stored.batches.reduce((sum, b) => sum + b.bytes, 0);
  const scribeRaw =
    stored.batches.reduce((sum, b) => sum + b.header.length + 1, 0) + stored.records.reduce((sum, r) => sum + Buffer.byteLength(JSON.stringify(r)) + 1, 0);
  const requests = [...stored.bodies.values()];
  return {
    turns: TURNS,
    requestBytesSent: requests.reduce((sum, b) => sum + b.byteLength, 0),
    firstRequestBytes: requests[0]?.byteLength ?? 0,
    lastRequestBytes: requests.at(-1)?.byteLength ?? 0,
    naive: { rawBytes: naive.raw, gzipBytes: naive.gzip },
    scribe: { rawBytes: scribeRaw, gzipBytes: scribeGzip },
    ratio: { raw: scribeRaw / naive.raw, gzip: scribeGzip / naive.gzip },
  };
}

if (process.argv.includes('--throughput-only')) {
  // For side-by-side runs and CPU profiles: the throughput section alone, nothing written.
  const loadAtStart = loadavg()[0] ?? 0;
  const cold = await throughput(8, 35, 0);
  const built = await throughput(8, 35, 1);
  console.log(`throughput, first round (cold process): ${cold.perCpuSecond} per CPU second, ${cold.cpuSeconds} CPU s`);
  // With node --expose-gc: the heap left after both rounds (recording's process-wide caches).
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    console.log(`heap after both rounds: ${(process.memoryUsage().heapUsed / 1024 ** 2).toFixed(1)} MiB used, ${(process.memoryUsage().rss / 1024 ** 2).toFixed(1)} MiB RSS`);
  }
  const pace = await paced(400, 2);
  console.log(`paced: ${pace.exchanges} offered at ${pace.rate}/s over ${pace.offeredMs} ms: largest backlog ${pace.maxBacklog}, all spooled ${pace.drainAfterLastMs} ms after the last, ${pace.unrecorded} unrecorded (load average ${(loadavg()[0] ?? 0).toFixed(2)})`);
  for (const r of [cold, built]) console.log(`  store check: verify problems ${r.verifyProblems}, request bodies rebuilt exactly ${r.bodiesExact}/${r.exchanges}, stored as deltas ${r.threaded}`);
  console.log(`throughput: ${built.exchanges} Claude Code-sized exchanges (requests ${built.requestKiB.min}-${built.requestKiB.max} KiB, mean ${built.requestKiB.mean}) built and spooled: ${built.perCpuSecond} per CPU second, ${built.perSecondWall}/s wall, ${built.cpuSeconds} CPU s (load average ${loadAtStart.toFixed(2)})`);
  process.exit(0);
}
const sessions = { claudeCode: await compare(claudeCodeProfile), light: await compare(lightProfile) };
const hot = await hotPath();
const loadAtStart = loadavg()[0] ?? 0;
const cold = await throughput(8, 35, 0);
const built = await throughput(8, 35, 1);
const pace = await paced(400, 2);
const result = {
  target: 'scribe gzip bytes <= 10% of naive gzip bytes (Claude Code-sized session); >= 400 Claude Code-sized exchanges per CPU second built and batched',
  sessions,
  paced: { ...pace, loadAverage1m: Number((loadavg()[0] ?? 0).toFixed(2)) },
  throughput: { ...built, coldProcess: { perCpuSecond: cold.perCpuSecond, cpuSeconds: cold.cpuSeconds, perSecondWall: cold.perSecondWall }, loadAverage1m: Number(loadAtStart.toFixed(2)) },
  hotPath: { nsPerChunk: Math.round(hot.chunkNs), usPerExchange: Number(hot.exchangeUs.toFixed(1)), chunksPerExchange: hot.chunksPerExchange },
  node: process.version,
  date: new Date().toISOString(),
};
await mkdir(new URL('./results/', import.meta.url), { recursive: true });
await writeFile(new URL('./results/recording.json', import.meta.url), `${JSON.stringify(result, null, 2)}\n`);

const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
const pct = (n: number) => `${(n * 100).toFixed(2)}%`;
for (const [name, r] of Object.entries(sessions)) {
  console.log(`\n${name}: ${TURNS}-turn agent session, requests ${kb(r.firstRequestBytes)} growing to ${kb(r.lastRequestBytes)} (${kb(r.requestBytesSent)} sent)`);
  console.log('  batch files, one per turn   uncompressed   gzip (as stored)');
  console.log(`  naive full records          ${kb(r.naive.rawBytes).padStart(12)}   ${kb(r.naive.gzipBytes).padStart(12)}`);
  console.log(`  scribe records              ${kb(r.scribe.rawBytes).padStart(12)}   ${kb(r.scribe.gzipBytes).padStart(12)}`);
  console.log(`  scribe / naive              ${pct(r.ratio.raw).padStart(12)}   ${pct(r.ratio.gzip).padStart(12)}`);
}
console.log(`\ntarget: ${result.target}`);
console.log(`throughput: ${built.exchanges} Claude Code-sized exchanges (requests ${built.requestKiB.min}-${built.requestKiB.max} KiB, mean ${built.requestKiB.mean}) built and spooled: ${built.perCpuSecond} per CPU second, ${built.perSecondWall}/s wall (warmed process; first round: ${cold.perCpuSecond} per CPU second) (load average ${loadAtStart.toFixed(2)})`);
console.log(`paced: ${pace.exchanges} offered at ${pace.rate}/s over ${pace.offeredMs} ms: largest backlog ${pace.maxBacklog}, all spooled ${pace.drainAfterLastMs} ms after the last, ${pace.unrecorded} unrecorded`);
console.log(`store check: verify problems ${built.verifyProblems}, request bodies rebuilt exactly ${built.bodiesExact}/${built.exchanges}, stored as deltas ${built.threaded}`);
console.log(`hot path: ${result.hotPath.nsPerChunk} ns per chunk() call, ${result.hotPath.usPerExchange} µs per exchange of ${hot.chunksPerExchange} chunks (begin + response + chunks + end)`);
