// Raw measurements gathered per target during a run, before they are summarised.

import type { StreamSample } from '../driver/protocol.ts';
import type { RunningTarget, TargetDefinition } from '../targets/target.ts';
import { levelKey } from './plan.ts';

/** One round's samples of one target, kept apart so added latency can be paired by round. */
export interface RoundSamples {
  ttfbMs: number[];
  eventLagsMs: number[];
}

export interface LevelSamples {
  concurrency: number;
  /** Opened all at once rather than spread out. */
  burst: boolean;
  /** Keyed by round number within the level; the same numbers for every target. */
  rounds: Map<number, RoundSamples>;
  ttfbMs: number[];
  eventLagsMs: number[];
  totalMs: number[];
  maxGapMs: number[];
  streams: number;
  events: number;
  errors: number;
  /** Streams whose event count differed from the simulator's script (a proxy split or merged events). */
  eventCountMismatches: number;
  firstError?: string;
  /** CPU seconds the proxy's process tree used while this level's batches ran. */
  cpuSeconds: number;
}

export interface SaturationMeasurement {
  concurrency: number;
  streams: number;
  events: number;
  errors: number;
  elapsedMs: number;
  cpuSeconds: number;
  firstError?: string;
}

export interface MemoryMeasurement {
  openStreams: number;
  secondWaveStreams: number;
  errors: number;
  rssBeforeBytes: number;
  rssFirstWaveBytes: number;
  rssOpenBytes: number;
  firstError?: string;
}

export interface TargetMeasurements {
  definition: TargetDefinition;
  state: 'ok' | 'unavailable' | 'failed';
  reason?: string;
  running?: RunningTarget;
  levels: Map<number, LevelSamples>;
  saturation?: SaturationMeasurement;
  memory?: MemoryMeasurement;
  idleRssBytes?: number;
  peakRssBytes?: number;
}

export function newTargetMeasurements(definition: TargetDefinition): TargetMeasurements {
  return { definition, state: 'ok', levels: new Map() };
}

export function levelFor(t: TargetMeasurements, concurrency: number, burst = false): LevelSamples {
  const key = levelKey({ concurrency, burst });
  let level = t.levels.get(key);
  if (!level) {
    level = {
      concurrency,
      burst,
      rounds: new Map(),
      ttfbMs: [],
      eventLagsMs: [],
      totalMs: [],
      maxGapMs: [],
      streams: 0,
      events: 0,
      errors: 0,
      eventCountMismatches: 0,
      cpuSeconds: 0,
    };
    t.levels.set(key, level);
  }
  return level;
}

/** Adds one batch of client-side samples; failed streams count as errors, not as timings. */
export function addSamples(level: LevelSamples, round: number, samples: StreamSample[], expectedEvents: number): void {
  const roundSamples: RoundSamples = { ttfbMs: [], eventLagsMs: [] };
  level.rounds.set(round, roundSamples);
  for (const s of samples) {
    if (!s.ok) {
      level.errors++;
      level.firstError ??= s.error ?? `HTTP ${s.status}`;
      continue;
    }
    level.streams++;
    level.events += s.events;
    if (s.events !== expectedEvents) level.eventCountMismatches++;
    level.ttfbMs.push(s.ttfbMs);
    level.totalMs.push(s.totalMs);
    level.maxGapMs.push(s.maxGapMs);
    roundSamples.ttfbMs.push(s.ttfbMs);
    for (const lag of s.eventLagsMs) {
      level.eventLagsMs.push(lag);
      roundSamples.eventLagsMs.push(lag);
    }
  }
}
