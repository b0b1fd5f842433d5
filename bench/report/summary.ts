// Turns raw measurements into the JSON result document (bench/results/<mode>.json).

import os from 'node:os';
import type { TargetMeasurements } from '../runner/measurements.ts';
import type { RunPlan } from '../runner/plan.ts';
import {
  addedPercentiles,
  CURVE_QUANTILES,
  pairedAddedCurve,
  pairedAddedPercentiles,
  percentiles,
  sortedCopy,
  type Percentiles,
} from './quantiles.ts';
import type { LevelSamples } from '../runner/measurements.ts';
import { levelKey } from '../runner/plan.ts';

export interface LevelSummary {
  concurrency: number;
  /** All streams opened at the same moment. */
  burst?: boolean;
  streams: number;
  events: number;
  errors: number;
  eventCountMismatches: number;
  firstError?: string;
  ttfbMs: Percentiles;
  eventLagMs: Percentiles;
  totalMs: Percentiles;
  maxGapMs: Percentiles;
  /** Target minus direct, paired by round (median over rounds); undefined for direct itself. */
  addedTtfbMs?: Percentiles;
  addedEventMs?: Percentiles;
  /** Target minus direct over all rounds pooled, for comparison. */
  pooledAddedTtfbMs?: Percentiles;
  pooledAddedEventMs?: Percentiles;
  /** Rounds in which both the target and direct delivered streams. */
  pairedRounds?: number;
  cpuSecondsPer1kEvents?: number;
  /** Shift curves (added ms at percentiles 1..99), for the chart. */
  addedTtfbCurve?: number[];
  addedEventCurve?: number[];
}

export interface TargetSummary {
  id: string;
  label: string;
  state: 'ok' | 'unavailable' | 'failed';
  note?: string;
  levels: LevelSummary[];
  saturation?: { concurrency: number; streamsPerSecond: number; eventsPerSecond: number; errors: number; cpuSecondsPer1kEvents?: number; firstError?: string };
  memory?: {
    openStreams: number;
    /** RSS growth of the second wave of streams / its size. */
    kibPerOpenStream: number;
    /** RSS growth from no streams to all open / all streams (includes one-time growth). */
    kibPerOpenStreamAllWaves: number;
    rssBeforeMiB: number;
    rssFirstWaveMiB: number;
    rssOpenMiB: number;
    errors: number;
    firstError?: string;
  };
  idleRssMiB?: number;
  peakRssMiB?: number;
}

export interface BenchResults {
  schema: 'scribe-bench/1';
  mode: string;
  startedAt: string;
  durationSeconds: number;
  machine: { cpus: number; cpuModel: string; loadAverageAtStart: number[]; loadAverageAtEnd: number[]; kernel: string; node: string };
  plan: RunPlan;
  headlineConcurrency: number;
  targets: TargetSummary[];
}

const MiB = 1024 * 1024;

function round(n: number, digits = 3): number {
  const f = 10 ** digits;
  return Number.isFinite(n) ? Math.round(n * f) / f : Number.NaN;
}

function roundAll(p: Percentiles): Percentiles {
  return { p50: round(p.p50), p95: round(p.p95), p99: round(p.p99) };
}

/** Per-round sorted samples of a target and of direct, for the rounds both completed. */
function pairedRounds(target: LevelSamples, direct: LevelSamples) {
  const pairs = { target: [] as Float64Array[], direct: [] as Float64Array[], targetLags: [] as Float64Array[], directLags: [] as Float64Array[] };
  for (const [round, t] of target.rounds) {
    const d = direct.rounds.get(round);
    if (!d || t.ttfbMs.length === 0 || d.ttfbMs.length === 0) continue;
    pairs.target.push(sortedCopy(t.ttfbMs));
    pairs.direct.push(sortedCopy(d.ttfbMs));
    pairs.targetLags.push(sortedCopy(t.eventLagsMs));
    pairs.directLags.push(sortedCopy(d.eventLagsMs));
  }
  return pairs;
}

export function summarise(
  plan: RunPlan,
  measurements: TargetMeasurements[],
  startedAt: Date,
  durationSeconds: number,
  loadAverageAtStart: number[],
): BenchResults {
  const direct = measurements.find((m) => m.definition.id === 'direct');
  const targets = measurements.map((m): TargetSummary => {
    const isDirect = m === direct;
    const summary: TargetSummary = { id: m.definition.id, label: m.definition.label, state: m.state, levels: [] };
    if (m.reason) summary.note = m.reason;
    for (const level of [...m.levels.values()].sort((a, b) => Number(a.burst) - Number(b.burst) || a.concurrency - b.concurrency)) {
      const ttfb = sortedCopy(level.ttfbMs);
      const lags = sortedCopy(level.eventLagsMs);
      const s: LevelSummary = {
        concurrency: level.concurrency,
        ...(level.burst ? { burst: true } : {}),
        streams: level.streams,
        events: level.events,
        errors: level.errors,
        eventCountMismatches: level.eventCountMismatches,
        ttfbMs: roundAll(percentiles(ttfb)),
        eventLagMs: roundAll(percentiles(lags)),
        totalMs: roundAll(percentiles(sortedCopy(level.totalMs))),
        maxGapMs: roundAll(percentiles(sortedCopy(level.maxGapMs))),
      };
      if (level.firstError) s.firstError = level.firstError;
      const base = direct?.levels.get(levelKey(level));
      if (!isDirect && base && base.streams > 0 && level.streams > 0) {
        s.pooledAddedTtfbMs = roundAll(addedPercentiles(ttfb, sortedCopy(base.ttfbMs)));
        s.pooledAddedEventMs = roundAll(addedPercentiles(lags, sortedCopy(base.eventLagsMs)));
        const pairs = pairedRounds(level, base);
        s.pairedRounds = pairs.target.length;
        if (pairs.target.length > 0) {
          s.addedTtfbMs = roundAll(pairedAddedPercentiles(pairs.target, pairs.direct));
          s.addedEventMs = roundAll(pairedAddedPercentiles(pairs.targetLags, pairs.directLags));
          s.addedTtfbCurve = pairedAddedCurve(pairs.target, pairs.direct, CURVE_QUANTILES).map((v) => round(v));
          s.addedEventCurve = pairedAddedCurve(pairs.targetLags, pairs.directLags, CURVE_QUANTILES).map((v) => round(v));
        }
      }
      if (!isDirect && level.events > 0) s.cpuSecondsPer1kEvents = round((level.cpuSeconds / level.events) * 1000, 4);
      summary.levels.push(s);
    }
    if (m.saturation) {
      const sat = m.saturation;
      summary.saturation = {
        concurrency: sat.concurrency,
        streamsPerSecond: round((sat.streams / sat.elapsedMs) * 1000, 1),
        eventsPerSecond: round((sat.events / sat.elapsedMs) * 1000, 0),
        errors: sat.errors,
      };
      if (!isDirect && sat.events > 0) summary.saturation.cpuSecondsPer1kEvents = round((sat.cpuSeconds / sat.events) * 1000, 4);
      if (sat.firstError) summary.saturation.firstError = sat.firstError;
    }
    if (m.memory) {
      const mem = m.memory;
      summary.memory = {
        openStreams: mem.openStreams,
        kibPerOpenStream:
          mem.secondWaveStreams > 0 ? round((mem.rssOpenBytes - mem.rssFirstWaveBytes) / mem.secondWaveStreams / 1024, 1) : Number.NaN,
        kibPerOpenStreamAllWaves: mem.openStreams > 0 ? round((mem.rssOpenBytes - mem.rssBeforeBytes) / mem.openStreams / 1024, 1) : Number.NaN,
        rssBeforeMiB: round(mem.rssBeforeBytes / MiB, 1),
        rssFirstWaveMiB: round(mem.rssFirstWaveBytes / MiB, 1),
        rssOpenMiB: round(mem.rssOpenBytes / MiB, 1),
        errors: mem.errors,
      };
      if (mem.firstError) summary.memory.firstError = mem.firstError;
    }
    if (m.idleRssBytes !== undefined) summary.idleRssMiB = round(m.idleRssBytes / MiB, 1);
    if (m.peakRssBytes !== undefined) summary.peakRssMiB = round(m.peakRssBytes / MiB, 1);
    return summary;
  });
  return {
    schema: 'scribe-bench/1',
    mode: plan.mode,
    startedAt: startedAt.toISOString(),
    durationSeconds: round(durationSeconds, 1),
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      loadAverageAtStart: loadAverageAtStart.map((l) => round(l, 2)),
      loadAverageAtEnd: os.loadavg().map((l) => round(l, 2)),
      kernel: os.release(),
      node: process.version,
    },
    plan,
    headlineConcurrency: plan.headlineConcurrency,
    targets,
  };
}
