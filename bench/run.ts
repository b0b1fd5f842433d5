// Scribe benchmark entry point: `npm run bench` (short, < 3 min), `npm run bench -- --full`,
// `npm run bench -- --smoke` (seconds, for CI: no thresholds, every available target).
//
// Options: --only=id,id   measure only these targets (direct is always included)
//          --skip=id,id   leave these targets out
//          --cpu-prof=<dir>  Node-based targets (Scribe on Node, Portkey) write V8 CPU
//                         profiles there when they stop (open in Chrome DevTools)
//          --out=<dir>    where to write <mode>.json/.md/.svg (default bench/results;
//                         the smoke run writes to a temp dir unless --out is given)
//
// Processes: the runner (this), the simulator, the load driver and one process per proxy.
// All of them are children of this process and are killed when it exits, however it exits.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderChart } from './report/svg-chart.ts';
import { renderMarkdown } from './report/markdown.ts';
import { summarise } from './report/summary.ts';
import { DriverClient } from './runner/driver-client.ts';
import { freePort, isRunning, startProcess, waitForHttp } from './runner/managed-process.ts';
import { newTargetMeasurements, type TargetMeasurements } from './runner/measurements.ts';
import { measureLatency, measureMemory, measureSaturation, validateTargets, warmUp, type PhaseContext } from './runner/phases.ts';
import { planFor, type Mode } from './runner/plan.ts';
import { processTree, peakRssBytes } from './runner/process-stats.ts';
import { Progress } from './runner/progress.ts';
import { buildRequestBody } from './simulator/scenario.ts';
import { allTargets } from './targets/catalog.ts';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const flag = (name: string): boolean => args.includes(`--${name}`);
const option = (name: string): string | undefined => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);

const mode: Mode = flag('smoke') ? 'smoke' : flag('full') ? 'full' : 'short';
const plan = planFor(mode);
const only = option('only')?.split(',');
const skip = option('skip')?.split(',') ?? [];
const workDir = mkdtempSync(join(os.tmpdir(), 'scribe-bench-'));
const cpuProfileDir = option('cpu-prof');
const outDir = option('out') ?? (mode === 'smoke' ? join(workDir, 'results') : join(repoRoot, 'bench/results'));

async function main(): Promise<number> {
  const startedAt = new Date();
  const loadAtStart = os.loadavg();
  const progress = new Progress(0);
  progress.log(`scribe bench: ${mode} run, work dir ${workDir}`);

  const simPort = await freePort();
  const simulator = startProcess(
    'simulator',
    process.execPath,
    ['--import', 'tsx', join(repoRoot, 'bench/simulator/server.ts'), '--port', String(simPort)],
    { logPath: join(workDir, 'simulator.log'), cwd: repoRoot },
  );
  const simulatorUrl = `http://127.0.0.1:${simPort}`;
  await waitForHttp(`${simulatorUrl}/healthz`, 20_000, () => isRunning(simulator));
  const driver = DriverClient.start(join(workDir, 'driver.log'));

  const measurements: TargetMeasurements[] = [];
  for (const definition of allTargets()) {
    if (skip.includes(definition.id) || (only && definition.id !== 'direct' && !only.includes(definition.id))) continue;
    const m = newTargetMeasurements(definition);
    measurements.push(m);
    const reason = definition.unavailableReason(repoRoot);
    if (reason) {
      m.state = 'unavailable';
      m.reason = reason;
      progress.log(`skip ${definition.id}: ${reason}`);
      continue;
    }
    const targetDir = join(workDir, definition.id);
    mkdirSync(targetDir, { recursive: true });
    try {
      if (cpuProfileDir) mkdirSync(cpuProfileDir, { recursive: true });
      m.running = await definition.start({ simulatorUrl, workDir: targetDir, repoRoot, ...(cpuProfileDir ? { cpuProfileDir } : {}) });
      progress.log(`started ${definition.id} (${m.running.endpoint.url}${m.running.pid ? `, pid ${m.running.pid}` : ''})`);
    } catch (err) {
      m.state = 'failed';
      m.reason = `did not start: ${(err as Error).message}`;
      progress.log(`FAILED ${definition.id}: ${m.reason}`);
    }
  }

  const ok = (): TargetMeasurements[] => measurements.filter((m) => m.state === 'ok');
  const rounds = plan.levels.reduce((sum, l) => sum + l.rounds, 0);
  progress.addToTotal(ok().length * (4 + rounds + plan.saturationSlices));

  const ctx: PhaseContext = { plan, driver, simulatorUrl, body: buildRequestBody(plan.requestBodyBytes), progress };
  await validateTargets(ctx, measurements);
  await warmUp(ctx, measurements);
  // Memory is read on a warm but small heap; then everything is warmed again, so that the
  // teardown of the held streams cannot leak into the first latency rounds.
  await measureMemory(ctx, measurements);
  await warmUp(ctx, measurements);
  await measureLatency(ctx, measurements);
  await measureSaturation(ctx, measurements);

  for (const m of ok()) {
    if (m.running?.pid !== undefined) m.peakRssBytes = peakRssBytes(processTree(m.running.pid));
  }
  await Promise.all(measurements.map((m) => m.running?.stop()));
  await driver.stop();
  await simulator.stop();

  const results = summarise(plan, measurements, startedAt, (Date.now() - startedAt.getTime()) / 1000, loadAtStart);
  const markdown = renderMarkdown(results);
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, `${mode}.json`), JSON.stringify(results, null, 1) + '\n');
  writeFileSync(join(outDir, `${mode}.md`), markdown);
  writeFileSync(join(outDir, `${mode}.svg`), renderChart(results));
  process.stdout.write('\n' + markdown);
  progress.log(outDir.startsWith(workDir) ? 'results not kept (pass --out=<dir> to keep them)' : `results: ${join(outDir, `${mode}.{json,md,svg}`)}`);

  // A smoke run fails only when a target that is available could not stream at all.
  const broken = measurements.filter((m) => m.state === 'failed');
  for (const m of broken) progress.log(`FAILED ${m.definition.id}: ${m.reason}`);
  return broken.length > 0 ? 1 : 0;
}

// Bounded: a run that hangs is stopped, children included (the exit hook kills them).
const hardLimitMs = mode === 'full' ? 40 * 60_000 : mode === 'short' ? 10 * 60_000 : 3 * 60_000;
const watchdog = setTimeout(() => {
  process.stderr.write(`bench: exceeded ${hardLimitMs / 60_000} min, aborting\n`);
  process.exit(3);
}, hardLimitMs);
watchdog.unref();

main()
  .then((code) => {
    // Scratch data (Scribe stores, logs) goes on success; results live in outDir.
    if (code === 0 && !outDir.startsWith(workDir)) rmSync(workDir, { recursive: true, force: true });
    process.exit(code);
  })
  .catch((err: Error) => {
    process.stderr.write(`bench failed: ${err.stack ?? err.message}\nlogs kept in ${workDir}\n`);
    process.exit(1);
  });
