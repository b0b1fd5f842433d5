// The measurement phases of a run. Every phase visits the targets in an order that rotates
// from round to round, so no target is always measured right after the same neighbour and
// slow drift of the machine spreads evenly over all of them.

import { buildStreamScript, type Scenario, type StreamScript } from '../simulator/scenario.ts';
import type { DriverClient } from './driver-client.ts';
import { addSamples, levelFor, type MemoryMeasurement, type TargetMeasurements } from './measurements.ts';
import { levelLabel, type RunPlan } from './plan.ts';
import { cpuSeconds, processTree, rssBytes } from './process-stats.ts';
import { ms, type Progress } from './progress.ts';
import { quantileSorted, sortedCopy } from '../report/quantiles.ts';

export interface PhaseContext {
  plan: RunPlan;
  driver: DriverClient;
  simulatorUrl: string;
  body: string;
  progress: Progress;
}

export async function useScenario(simulatorUrl: string, scenario: Scenario): Promise<void> {
  const res = await fetch(`${simulatorUrl}/_sim/scenario`, { method: 'POST', body: JSON.stringify(scenario) });
  if (res.status !== 204) throw new Error(`simulator refused the scenario (${res.status})`);
}

/** When the last event of a stream is scheduled: the stream's duration at the simulator. */
function streamDurationMs(script: StreamScript): number {
  return script.eventOffsetsMs[script.eventOffsetsMs.length - 1] ?? 0;
}

function rotated<T>(items: T[], by: number): T[] {
  if (items.length === 0) return items;
  const k = by % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

function treeOf(t: TargetMeasurements): number[] {
  return t.running?.pid === undefined ? [] : processTree(t.running.pid);
}

function active(targets: TargetMeasurements[]): TargetMeasurements[] {
  return targets.filter((t) => t.state === 'ok' && t.running);
}

/** One stream through each target; a target that cannot stream correctly is dropped. */
export async function validateTargets(ctx: PhaseContext, targets: TargetMeasurements[]): Promise<void> {
  const script = buildStreamScript(ctx.plan.latencyScenario);
  await useScenario(ctx.simulatorUrl, ctx.plan.latencyScenario);
  for (const t of active(targets)) {
    const r = await ctx.driver.batch({
      endpoint: t.running!.endpoint,
      body: ctx.body,
      concurrency: 1,
      streamsPerSlot: 1,
      schedule: script.schedule,
      staggerMs: 0,
      timeoutMs: ctx.plan.streamTimeoutMs,
    });
    const s = r.samples[0];
    if (!s?.ok) {
      t.state = 'failed';
      t.reason = `validation stream failed: ${s?.error ?? 'no sample'}`;
    } else if (s.events !== script.eventOffsetsMs.length) {
      // Still measurable (events are matched by kind, not position), but worth knowing.
      t.reason = `delivers ${s.events} SSE events where the simulator sent ${script.eventOffsetsMs.length}`;
    }
    ctx.progress.step(`validate ${t.definition.id}: ${t.state === 'ok' ? `ok, ttfb ${ms(s?.ttfbMs ?? NaN)}` : t.reason}`);
    if (t.state !== 'ok') await t.running?.stop();
  }
}

/**
 * Lets each runtime's JIT and connection pools settle before anything is recorded: a paced
 * batch, then a short burst of unpaced streams (the saturation path is hotter code).
 */
export async function warmUp(ctx: PhaseContext, targets: TargetMeasurements[]): Promise<void> {
  const script = buildStreamScript(ctx.plan.latencyScenario);
  await useScenario(ctx.simulatorUrl, ctx.plan.latencyScenario);
  for (const t of active(targets)) {
    await ctx.driver.batch({
      endpoint: t.running!.endpoint,
      body: ctx.body,
      concurrency: ctx.plan.warmupConcurrency,
      streamsPerSlot: 2,
      schedule: script.schedule,
      staggerMs: streamDurationMs(script),
      timeoutMs: ctx.plan.streamTimeoutMs,
    });
  }
  await useScenario(ctx.simulatorUrl, ctx.plan.saturationScenario);
  for (const t of active(targets)) {
    await ctx.driver.saturate({
      endpoint: t.running!.endpoint,
      body: ctx.body,
      concurrency: ctx.plan.saturationConcurrency,
      durationMs: Math.min(500, ctx.plan.saturationMs / 3),
      timeoutMs: ctx.plan.streamTimeoutMs,
    });
    ctx.progress.step(`warm up ${t.definition.id}`);
  }
}

/** Resident memory of the proxy tree: the median of three reads 100 ms apart (RSS jitters). */
async function settledRss(t: TargetMeasurements): Promise<number> {
  const reads: number[] = [];
  for (let i = 0; i < 3; i++) {
    if (i > 0) await new Promise((r) => setTimeout(r, 100));
    reads.push(rssBytes(treeOf(t)));
  }
  return reads.sort((a, b) => a - b)[1]!;
}

/**
 * Memory held per open stream. Nearly idle streams are opened in two equal waves; the figure
 * is the RSS growth of the second wave divided by its size. The first wave absorbs one-time
 * growth (pools, lazily compiled code, heap headroom), so the second measures what one more
 * open stream costs.
 */
export async function measureMemory(ctx: PhaseContext, targets: TargetMeasurements[]): Promise<void> {
  await useScenario(ctx.simulatorUrl, ctx.plan.idleScenario);
  const wave = Math.max(1, Math.floor(ctx.plan.idleStreams / 2));
  for (const t of active(targets)) {
    if (t.running!.pid === undefined) {
      ctx.progress.step(`memory ${t.definition.id}: no proxy process`);
      continue;
    }
    // Garbage collectors return memory to the OS when they please, so one reading can even
    // come out negative: repeat and keep the median measurement.
    const repeats: MemoryMeasurement[] = [];
    for (let i = 0; i < ctx.plan.memoryRepeats; i++) repeats.push(await twoWaves(ctx, t, wave));
    const perStream = (m: MemoryMeasurement): number => (m.rssOpenBytes - m.rssFirstWaveBytes) / Math.max(1, m.secondWaveStreams);
    repeats.sort((a, b) => perStream(a) - perStream(b));
    t.memory = repeats[Math.floor((repeats.length - 1) / 2)]!;
    t.idleRssBytes = t.memory.rssBeforeBytes;
    ctx.progress.step(
      `memory ${t.definition.id}: ${t.memory.openStreams} open streams, ${(perStream(t.memory) / 1024).toFixed(1)} KiB each (second wave` +
        `${repeats.length > 1 ? `, median of ${repeats.length}` : ''})`,
    );
  }
}

async function twoWaves(ctx: PhaseContext, t: TargetMeasurements, wave: number): Promise<MemoryMeasurement> {
  const job = { endpoint: t.running!.endpoint, body: ctx.body, concurrency: wave, timeoutMs: ctx.plan.streamTimeoutMs };
  const before = await settledRss(t);
  const first = await ctx.driver.hold(job);
  const afterFirst = await settledRss(t);
  const second = await ctx.driver.hold(job);
  const afterSecond = await settledRss(t);
  await Promise.all([first.release(), second.release()]);
  const m: MemoryMeasurement = {
    openStreams: first.holding.open + second.holding.open,
    secondWaveStreams: second.holding.open,
    errors: first.holding.errors + second.holding.errors,
    rssBeforeBytes: before,
    rssFirstWaveBytes: afterFirst,
    rssOpenBytes: afterSecond,
  };
  const firstError = first.holding.firstError ?? second.holding.firstError;
  if (firstError) m.firstError = firstError;
  // Let the proxy finish tearing the streams down before anything else is measured.
  await new Promise((r) => setTimeout(r, 500));
  return m;
}

/** Interleaved latency rounds at every concurrency level. */
export async function measureLatency(ctx: PhaseContext, targets: TargetMeasurements[]): Promise<void> {
  const script = buildStreamScript(ctx.plan.latencyScenario);
  const expected = script.eventOffsetsMs.length;
  await useScenario(ctx.simulatorUrl, ctx.plan.latencyScenario);
  let round = 0;
  for (const level of ctx.plan.levels) {
    for (let r = 0; r < level.rounds; r++, round++) {
      for (const t of rotated(active(targets), round)) {
        const tree = treeOf(t);
        const cpuBefore = cpuSeconds(tree);
        const result = await ctx.driver.batch({
          endpoint: t.running!.endpoint,
          body: ctx.body,
          concurrency: level.concurrency,
          streamsPerSlot: level.streamsPerSlot,
          schedule: script.schedule,
          staggerMs: level.burst ? 0 : streamDurationMs(script),
          timeoutMs: ctx.plan.streamTimeoutMs,
        });
        const samples = levelFor(t, level.concurrency, level.burst);
        samples.cpuSeconds += cpuSeconds(tree) - cpuBefore;
        addSamples(samples, r, result.samples, expected);
        const ttfb = sortedCopy(result.samples.filter((s) => s.ok).map((s) => s.ttfbMs));
        const failed = result.samples.filter((s) => !s.ok).length;
        ctx.progress.step(
          `${levelLabel(level)} round ${r + 1}/${level.rounds} ${t.definition.id}: ` +
            `ttfb p50 ${ms(quantileSorted(ttfb, 0.5))}${failed ? `, ${failed} failed` : ''}`,
        );
      }
    }
  }
}

/**
 * Closed-loop streams with no pacing: how many streams per second each target carries.
 * The time is cut into slices visited in rotating order, like the latency rounds.
 */
export async function measureSaturation(ctx: PhaseContext, targets: TargetMeasurements[]): Promise<void> {
  await useScenario(ctx.simulatorUrl, ctx.plan.saturationScenario);
  const slices = ctx.plan.saturationSlices;
  for (let slice = 0; slice < slices; slice++) {
    for (const t of rotated(active(targets), slice)) {
      const tree = treeOf(t);
      const cpuBefore = cpuSeconds(tree);
      const r = await ctx.driver.saturate({
        endpoint: t.running!.endpoint,
        body: ctx.body,
        concurrency: ctx.plan.saturationConcurrency,
        durationMs: ctx.plan.saturationMs / slices,
        timeoutMs: ctx.plan.streamTimeoutMs,
      });
      const sat = (t.saturation ??= {
        concurrency: ctx.plan.saturationConcurrency,
        streams: 0,
        events: 0,
        errors: 0,
        elapsedMs: 0,
        cpuSeconds: 0,
      });
      sat.streams += r.streams;
      sat.events += r.events;
      sat.errors += r.errors;
      sat.elapsedMs += r.elapsedMs;
      sat.cpuSeconds += cpuSeconds(tree) - cpuBefore;
      if (r.firstError) sat.firstError ??= r.firstError;
      ctx.progress.step(
        `saturation ${slice + 1}/${slices} ${t.definition.id}: ${((r.streams / r.elapsedMs) * 1000).toFixed(0)} streams/s` +
          (r.errors ? `, ${r.errors} failed` : ''),
      );
    }
  }
}
