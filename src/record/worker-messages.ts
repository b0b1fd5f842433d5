/**
 * The messages between the recorder (on the gateway's thread) and its record worker. Every
 * message from the worker is tagged with nothing more than what it answers: the recorder
 * ignores a worker it has replaced, so a late message can never be taken twice.
 */
import type { JWK } from 'jose';
import type { HandedCapture } from './handover.ts';
import type { EncodedBatch, PipelineStart } from './record-pipeline.ts';

/** What the worker is started with. Never a secret: the digest key stays on the gateway's thread. */
export interface WorkerSetup {
  start: PipelineStart;
  /** The auditor's public key, to seal redacted originals with. */
  sealJwk?: JWK;
  /** The id of the gateway's finding-digest key, named in records beside each digest. */
  digestKeyId?: string;
}

export type ToWorker =
  /** `digests` maps each finding's original to its keyed digest, computed on the gateway's thread. */
  | { type: 'build'; handed: HandedCapture; digests: [string, string][] }
  | { type: 'flush'; n: number }
  /** Tests only: the worker fails at once, as if it had crashed; or hangs, as if stuck in a loop. */
  | { type: 'crash' }
  | { type: 'hang' };

export type FromWorker =
  /** Set up and listening: a worker that dies before this could not start at all. */
  | { type: 'ready' }
  | { type: 'built'; id: string; recorded: boolean }
  | { type: 'batch'; batch: EncodedBatch }
  | { type: 'flushed'; n: number }
  | { type: 'log'; message: string };
