/** What createRecorder is given, and what a recorder reports. */
import type { SigningKey } from '../checkpoint/signing-key.ts';
import type { FindingDigester } from '../mask/digest.ts';
import type { Sealer } from '../seal/sealer.ts';
import type { Recorder } from './recorder.ts';

export interface RecorderOptions {
  sealer?: Sealer;
  /** Keys the findings' digests (HMAC-SHA-256); without it findings carry no digest. */
  digester?: FindingDigester;
  /** Names this writer's chain; by default a generated id kept in the spool directory. */
  instanceId?: string;
  /** Without instanceId: the name a new chain's id starts with (host or pod name). */
  instanceName?: string;
  log?: (message: string) => void;
  /** Signs chain checkpoints when given (the gateway always gives one). */
  signingKey?: SigningKey;
  /** Where each checkpoint is logged; by default `log`. */
  publishCheckpoint?: (checkpoint: { name: string; jws: string }) => void;
  /** Where records are built, when not as the config says (`recording.buildIn`). */
  buildIn?: 'auto' | 'worker' | 'thread';
}

export interface RecorderStats {
  instance: string;
  /** Exchanges begun and not yet in a spooled batch. */
  inFlight: number;
  recorded: number;
  /** Exchanges served without a record because the spool was full (fail open). */
  unrecorded: number;
  /** Ended exchanges whose records are still to be built. */
  toBuild: number;
  /** Epoch ms of the last exchange served unrecorded, or 0. */
  lastUnrecordedAt: number;
  spooledBatches: number;
  pendingBytes: number;
  /** Batch files in the spool not yet confirmed by the store. */
  pendingBatches: number;
  uploadedBatches: number;
  uploadFailures: number;
  uploadRetries: number;
  /** Where records are being built now ('' with recording off). */
  builtIn: 'worker' | 'thread' | '';
}

export interface ScribeRecorder extends Recorder {
  /** Cuts the current batch and resolves once everything finished so far is in the spool. */
  flush(): Promise<void>;
  stats(): RecorderStats;
}

/** Whether records are built in a worker: the options' choice, else the config's; `auto` means on Node. */
export function workerWanted(options: RecorderOptions, config: { buildIn?: 'auto' | 'worker' | 'thread' }): boolean {
  const choice = options.buildIn ?? config.buildIn ?? 'auto';
  if (choice !== 'auto') return choice === 'worker';
  const runtime = globalThis as { Bun?: unknown; Deno?: unknown };
  return runtime.Bun === undefined && runtime.Deno === undefined;
}
