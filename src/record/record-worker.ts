/**
 * The record worker's entry point (a node:worker_threads worker on Node, Bun and Deno): it
 * builds, chains, batches and encodes records, one exchange at a time in the order they are
 * posted, and posts each encoded batch back. The gateway's thread keeps every exchange until
 * its batch comes back, so whatever this worker holds when it dies is rebuilt, not lost.
 */
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import type { FindingDigester } from '../mask/digest.ts';
import { createSealer } from '../seal/jwe.ts';
import { takeOver } from './handover.ts';
import { RecordPipeline, type EncodedBatch } from './record-pipeline.ts';
import type { FromWorker, ToWorker, WorkerSetup } from './worker-messages.ts';

const port = parentPort;
if (!port) throw new Error('record-worker.ts runs only as a worker thread');
const setup = workerData as WorkerSetup;
const post = (message: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);
const log = (message: string) => post({ type: 'log', message });

function sendBatch(batch: EncodedBatch): void {
  // Both arrays are fresh (gzip output and the index), owned whole: transferred, not copied.
  const owned = [batch.bytes, batch.index].filter((b) => b.byteOffset === 0 && b.byteLength === b.buffer.byteLength);
  post({ type: 'batch', batch }, owned.map((b) => b.buffer as ArrayBuffer));
}

/** Digests computed where the key is: this worker only looks them up. */
function lookedUpDigests(keyId: string, digests: [string, string][]): FindingDigester {
  const byOriginal = new Map(digests);
  return {
    keyId,
    async digest(original: string): Promise<string> {
      const digest = byOriginal.get(original);
      if (digest === undefined) throw new Error('a finding reached the record worker without its digest');
      return digest;
    },
  };
}

/**
 * Nice value of this thread: when it and the gateway's thread both want a core, the gateway's
 * (streams in progress) gets it; the worker runs on what is left. Each nice step is about 1.25x
 * less weight: at 5, the worker still gets about a quarter of a contended core.
 */
const WORKER_NICENESS = 5;

/** Linux only (a nice value is per thread there); elsewhere the worker keeps the process's priority. */
function yieldToTheGateway(): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, WORKER_NICENESS);
  } catch {
    // Not Linux, or not allowed: the same priority as the gateway's thread.
  }
}

yieldToTheGateway();
const sealer = setup.sealJwk ? await createSealer(setup.sealJwk) : undefined;
const pipeline = new RecordPipeline(setup.start, { sealer }, sendBatch, log);
let work: Promise<void> = Promise.resolve();

async function handle(message: ToWorker): Promise<void> {
  if (message.type === 'build') {
    const capture = takeOver(message.handed);
    const digester = setup.digestKeyId !== undefined ? lookedUpDigests(setup.digestKeyId, message.digests) : undefined;
    let recorded = false;
    try {
      recorded = await pipeline.build(capture, digester);
    } finally {
      post({ type: 'built', id: capture.start.id, recorded });
    }
  } else if (message.type === 'flush') {
    try {
      await pipeline.flush();
    } finally {
      post({ type: 'flushed', n: message.n });
    }
  }
}

port.on('message', (message: ToWorker) => {
  // Tests only: an uncaught error ends a worker the same way on Node, Bun and Deno.
  if (message.type === 'crash') throw new Error('record worker: crash asked for by a test');
  if (message.type === 'hang') for (;;);
  // One at a time, in the order posted: a parent's record is built before its child's.
  work = work.then(() => handle(message)).catch((error: Error) => log(`recording: record worker: ${error.stack ?? error.message}`));
});
post({ type: 'ready' });
