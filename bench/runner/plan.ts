// How much to measure in each mode: the default short run (< 3 minutes), the full run, and
// the seconds-long CI smoke run that only proves every available target still works.

import { idleScenario, realisticScenario, saturationScenario, type Scenario } from '../simulator/scenario.ts';

export type Mode = 'smoke' | 'short' | 'full';

export interface LevelPlan {
  concurrency: number;
  rounds: number;
  /** Streams each concurrent slot runs back to back per round (more samples at low concurrency). */
  streamsPerSlot: number;
  /** All streams opened at the same moment (a CI fan-out), instead of spread over a stream's duration. */
  burst?: boolean;
}

/** Levels are told apart by concurrency, bursts by a negative key. */
export function levelKey(level: { concurrency: number; burst?: boolean | undefined }): number {
  return level.burst ? -level.concurrency : level.concurrency;
}

export function levelLabel(level: { concurrency: number; burst?: boolean | undefined }): string {
  return level.burst ? `burst ${level.concurrency}` : `c=${level.concurrency}`;
}

export interface RunPlan {
  mode: Mode;
  latencyScenario: Scenario;
  saturationScenario: Scenario;
  idleScenario: Scenario;
  levels: LevelPlan[];
  /** Concurrency level the headline table and the chart report. */
  headlineConcurrency: number;
  warmupConcurrency: number;
  saturationConcurrency: number;
  /** Total unpaced time per target, cut into rotating slices. */
  saturationMs: number;
  saturationSlices: number;
  /** Streams held open (in two equal waves) to measure memory per open stream. */
  idleStreams: number;
  /** Memory is measured this many times per target; the median is reported. */
  memoryRepeats: number;
  requestBodyBytes: number;
  streamTimeoutMs: number;
}

export function planFor(mode: Mode): RunPlan {
  const common = {
    saturationScenario,
    // Long enough that held streams are still open when memory is read; the driver aborts them.
    idleScenario: { ...idleScenario, textDeltas: 100 },
    requestBodyBytes: 8 * 1024,
  };
  if (mode === 'smoke') {
    return {
      ...common,
      mode,
      latencyScenario: { ...realisticScenario, ttfbMs: 2, deltaSpacingMs: 2, thinkingDeltas: 2, textDeltas: 4, toolDeltas: 2 },
      levels: [
        { concurrency: 1, rounds: 1, streamsPerSlot: 2 },
        { concurrency: 4, rounds: 1, streamsPerSlot: 1 },
        { concurrency: 4, rounds: 1, streamsPerSlot: 1, burst: true },
      ],
      headlineConcurrency: 4,
      warmupConcurrency: 2,
      saturationConcurrency: 4,
      saturationMs: 300,
      saturationSlices: 1,
      idleStreams: 8,
      memoryRepeats: 1,
      streamTimeoutMs: 15_000,
    };
  }
  if (mode === 'short') {
    return {
      ...common,
      mode,
      // About 0.35 s per stream: 20 deltas 15 ms apart.
      latencyScenario: { ...realisticScenario, thinkingDeltas: 4, textDeltas: 14, toolDeltas: 2 },
      levels: [
        { concurrency: 1, rounds: 5, streamsPerSlot: 2 },
        { concurrency: 16, rounds: 4, streamsPerSlot: 1 },
        { concurrency: 64, rounds: 3, streamsPerSlot: 1 },
        { concurrency: 256, rounds: 2, streamsPerSlot: 1 },
        { concurrency: 64, rounds: 3, streamsPerSlot: 1, burst: true },
        { concurrency: 256, rounds: 2, streamsPerSlot: 1, burst: true },
      ],
      headlineConcurrency: 64,
      warmupConcurrency: 16,
      saturationConcurrency: 64,
      saturationMs: 2000,
      saturationSlices: 2,
      idleStreams: 512,
      memoryRepeats: 1,
      streamTimeoutMs: 30_000,
    };
  }
  return {
    ...common,
    mode,
    // About 0.62 s per stream: 40 deltas 15 ms apart, with thinking and a tool call.
    latencyScenario: realisticScenario,
    levels: [
      { concurrency: 1, rounds: 10, streamsPerSlot: 5 },
      { concurrency: 16, rounds: 10, streamsPerSlot: 2 },
      { concurrency: 64, rounds: 10, streamsPerSlot: 2 },
      { concurrency: 256, rounds: 6, streamsPerSlot: 1 },
      { concurrency: 64, rounds: 8, streamsPerSlot: 1, burst: true },
      { concurrency: 256, rounds: 4, streamsPerSlot: 1, burst: true },
    ],
    headlineConcurrency: 64,
    warmupConcurrency: 64,
    saturationConcurrency: 64,
    saturationMs: 8000,
    saturationSlices: 4,
    idleStreams: 1024,
    memoryRepeats: 3,
    streamTimeoutMs: 60_000,
  };
}
