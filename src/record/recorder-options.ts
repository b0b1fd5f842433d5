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
  /**
   * Where records are built: in a worker thread (the default), or on the gateway's thread.
   * SCRIBE_RECORD_WORKER=0 in the environment asks for the thread.
   */
  buildIn?: 'worker' | 'thread';
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

/** Whether records are built in a worker: by default yes; SCRIBE_RECORD_WORKER=0 says no. */
export function workerWanted(options: RecorderOptions): boolean {
  if (options.buildIn) return options.buildIn === 'worker';
  return (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.SCRIBE_RECORD_WORKER !== '0';
}
