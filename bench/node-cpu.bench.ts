// CPU per 1k events of Node targets, side by side, alternated round by round: a measure that
// survives a shared machine (CPU time is what the proxy used, whoever else was busy), and the
// harness for `--cpu-prof` profiles of one concurrency level at a time.
//
//   node --import tsx bench/node-cpu.bench.ts [--levels=1,64] [--rounds=6] [--streams=<per slot>]
//        [--targets=node-floor,scribe-node-on] [--baseline=<checkout>] [--cpu-prof=<dir>]
//
// --baseline adds each chosen Scribe target (or scribe-node-on) from another checkout (e.g. an export of main with a
// node_modules link). --cpu-prof makes the Scribe targets write a V8 profile when they stop
// (read it with bench/cpu-profile-top.ts). Paced streams as in the short run (20 ms to first
// byte, 15 ms between deltas, 8 KiB request), the same token-bearing callers, masking and
// recording on for scribe-node-on.

import http from 'node:http';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runStream } from './driver/stream-client.ts';
import { freePort, isRunning, startProcess, waitForHttp } from './runner/managed-process.ts';
import { cpuSeconds, processTree } from './runner/process-stats.ts';
import { buildRequestBody, realisticScenario } from './simulator/scenario.ts';
import { nodeFloorTarget } from './targets/node-floor.ts';
import { scribeTarget } from './targets/scribe.ts';
import type { RunningTarget, TargetDefinition } from './targets/target.ts';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const option = (name: string): string | undefined => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);

const levels = (option('levels') ?? '1,64').split(',').map(Number);
const rounds = Number(option('rounds') ?? 6);
const baseline = option('baseline');
const cpuProfileDir = option('cpu-prof');
const wanted = (option('targets') ?? 'node-floor,scribe-node-on').split(',');
const scenario = { ...realisticScenario, thinkingDeltas: 4, textDeltas: 14, toolDeltas: 2 };

function definitions(): TargetDefinition[] {
  const all = [nodeFloorTarget, scribeTarget('node', 'off'), scribeTarget('node', 'record'), scribeTarget('node', 'on')];
  const chosen = all.filter((t) => wanted.includes(t.id));
  // The baseline checkout runs each Scribe target chosen (scribe-node-on when none is).
  const features = (['off', 'record', 'on'] as const).filter((f) => wanted.includes(`scribe-node-${f}`));
  if (baseline) for (const f of features.length > 0 ? features : (['on'] as const)) chosen.push(scribeTarget('node', f, baseline));
  return chosen;
}

interface Tally {
  cpu: number[];
  /** CPU of the gateway's main thread alone (where requests are served). */
  main: number[];
  events: number[];
  ttfb: number[];
  errors: number;
}

/** Streams per concurrent slot so each batch carries a few hundred streams at low concurrency. */
function streamsPerSlot(concurrency: number): number {
  return Number(option('streams') ?? Math.max(3, Math.round(48 / concurrency)));
}

async function batch(target: RunningTarget, concurrency: number, body: Buffer, agent: http.Agent): Promise<{ events: number; errors: number; ttfb: number[] }> {
  const url = new URL(target.endpoint.url);
  let events = 0;
  let errors = 0;
  const ttfb: number[] = [];
  const staggerMs = 350;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, index) => {
      await new Promise((r) => setTimeout(r, (index / concurrency) * staggerMs));
      for (let i = 0; i < streamsPerSlot(concurrency); i++) {
        const s = await runStream({ endpoint: target.endpoint, url, agent, body, schedule: undefined, timeoutMs: 30_000 });
        if (s.ok) {
          events += s.events;
          ttfb.push(s.ttfbMs);
        } else errors++;
      }
    }),
  );
  return { events, errors, ttfb };
}

/** CPU seconds of a process's main thread (its task with the process's own id). */
function mainThreadSeconds(pid: number): number {
  try {
    return Number(readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').split(' ')[0]) / 1e9;
  } catch {
    return NaN;
  }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.floor(s.length / 2)]!;
};

async function main(): Promise<void> {
  const workDir = mkdtempSync(join(os.tmpdir(), 'scribe-node-cpu-'));
  const simPort = await freePort();
  const simulator = startProcess('simulator', process.execPath, ['--import', 'tsx', join(repoRoot, 'bench/simulator/server.ts'), '--port', String(simPort), '--scenario', JSON.stringify(scenario)], {
    logPath: join(workDir, 'simulator.log'),
    cwd: repoRoot,
  });
  const simulatorUrl = `http://127.0.0.1:${simPort}`;
  await waitForHttp(`${simulatorUrl}/healthz`, 20_000, () => isRunning(simulator));
  if (cpuProfileDir) mkdirSync(cpuProfileDir, { recursive: true });

  const targets: { id: string; running: RunningTarget }[] = [];
  for (const definition of definitions()) {
    const dir = join(workDir, definition.id);
    mkdirSync(dir, { recursive: true });
    const running = await definition.start({ simulatorUrl, workDir: dir, repoRoot, ...(cpuProfileDir ? { cpuProfileDir: join(cpuProfileDir, definition.id) } : {}) });
    targets.push({ id: definition.id, running });
  }
  const body = Buffer.from(buildRequestBody(8 * 1024));
  const agents = new Map(targets.map((t) => [t.id, new http.Agent({ keepAlive: true, maxSockets: 256 })]));
  const load = (): string => os.loadavg().map((l) => l.toFixed(2)).join(' ');
  process.stderr.write(`load ${load()}\n`);

  // Warm-up: JIT and pools, not counted.
  for (const t of targets) await batch(t.running, 16, body, agents.get(t.id)!);

  const results = new Map<string, Tally>();
  const loads: string[] = [load()];
  for (const concurrency of levels) {
    for (let round = 0; round < rounds; round++) {
      // The order rotates every round, so drift and ordering effects spread evenly.
      const order = targets.map((_, i) => targets[(i + round) % targets.length]!);
      for (const t of order) {
        const pids = processTree(t.running.pid!);
        const before = cpuSeconds(pids);
        const mainBefore = mainThreadSeconds(t.running.pid!);
        const run = await batch(t.running, concurrency, body, agents.get(t.id)!);
        const used = cpuSeconds(pids) - before;
        const mainUsed = mainThreadSeconds(t.running.pid!) - mainBefore;
        const key = `${t.id}@${concurrency}`;
        const tally = results.get(key) ?? { cpu: [], main: [], events: [], ttfb: [], errors: 0 };
        tally.cpu.push(used);
        tally.main.push(mainUsed);
        tally.events.push(run.events);
        tally.ttfb.push(...run.ttfb);
        tally.errors += run.errors;
        results.set(key, tally);
      }
      process.stderr.write(`c=${concurrency} round ${round + 1}/${rounds} load ${load()}\n`);
    }
    loads.push(load());
  }
  for (const t of targets) await t.running.stop();
  await simulator.stop();

  console.log(`Node CPU per 1k events, ${rounds} alternated rounds per level, ${new Date().toISOString()}, load average during the run: ${loads.join(' | ')}`);
  console.log('');
  console.log('| target | concurrency | CPU ms / 1k events (all rounds) | per-round median | per-round min | main thread CPU ms / 1k events | main thread µs / stream | client TTFB p50 ms | events | errors |');
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const concurrency of levels) {
    for (const t of targets) {
      const r = results.get(`${t.id}@${concurrency}`)!;
      const totalEvents = r.events.reduce((a, b) => a + b, 0);
      const totalCpu = r.cpu.reduce((a, b) => a + b, 0);
      const perRound = r.cpu.map((c, i) => (c / r.events[i]!) * 1e6);
      const totalMain = r.main.reduce((a, b) => a + b, 0);
      console.log(`| ${t.id} | ${concurrency} | ${((totalCpu / totalEvents) * 1e6).toFixed(0)} | ${median(perRound).toFixed(0)} | ${Math.min(...perRound).toFixed(0)} | ${((totalMain / totalEvents) * 1e6).toFixed(0)} | ${((totalMain / r.ttfb.length) * 1e6).toFixed(0)} | ${median(r.ttfb).toFixed(2)} | ${totalEvents} | ${r.errors} |`);
    }
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
