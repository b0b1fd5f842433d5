/**
 * Where records are built: in the record worker (a worker thread, so the gateway's event loop
 * only copies each ended exchange across), or on the gateway's own thread where no worker can
 * run. Both take exchanges one at a time in the order given and report each one built and each
 * batch encoded; neither keeps the only copy of anything: the recorder holds every exchange
 * until its batch is back.
 */
import { Worker } from 'node:worker_threads';
import type { FindingDigester } from '../mask/digest.ts';
import type { Sealer } from '../seal/sealer.ts';
import type { ExchangeCapture } from './exchange-capture.ts';
import { handOver } from './handover.ts';
import { RecordPipeline, type EncodedBatch, type PipelineStart } from './record-pipeline.ts';
import type { FromWorker, ToWorker, WorkerSetup } from './worker-messages.ts';

export interface BuilderEvents {
  built(id: string, recorded: boolean): void;
  batch(batch: EncodedBatch): void;
  /**
   * The builder stopped on its own (a worker crashed; `started` false: it never got going);
   * what it held is to be built again.
   */
  died(reason: string, started: boolean): void;
  log(message: string): void;
}

export interface RecordBuilder {
  readonly where: 'worker' | 'thread';
  build(capture: ExchangeCapture): void;
  /** Cuts the batch; true once every batch of what was built so far is out, false if the builder died first. */
  flush(): Promise<boolean>;
  /** Stops it, dropping what it holds (the recorder still has it). */
  stop(): Promise<void>;
  /** Tests only: makes a worker crash, or hang. */
  crashForTest?(how: 'crash' | 'hang'): void;
}

const yieldToLoop = (): Promise<void> =>
  new Promise<void>((resolve) => (typeof globalThis.setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));

/** Builds on the gateway's thread, yielding to the event loop between records and their halves. */
export class InThreadBuilder implements RecordBuilder {
  readonly where = 'thread';
  private readonly pipeline: RecordPipeline;
  private work: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(start: PipelineStart, keys: { sealer?: Sealer | undefined; digester?: FindingDigester | undefined }, private readonly events: BuilderEvents) {
    this.pipeline = new RecordPipeline(start, keys, (batch) => !this.stopped && events.batch(batch), events.log, yieldToLoop);
  }

  build(capture: ExchangeCapture): void {
    this.work = this.work.then(async () => {
      await yieldToLoop();
      if (this.stopped) return;
      const recorded = await this.pipeline.build(capture);
      if (!this.stopped) this.events.built(capture.start.id, recorded);
    });
  }

  async flush(): Promise<boolean> {
    await this.work;
    await this.pipeline.flush();
    return !this.stopped;
  }

  async stop(): Promise<void> {
    this.stopped = true;
  }
}

let scriptForTest: URL | undefined;
/** Tests only: the worker is started from this script instead (one that fails, say). */
export function useRecordWorkerScriptForTest(url: URL | undefined): void {
  scriptForTest = url;
}

/** The worker's entry point: beside this module in the sources, or in the CLI's bundle. */
function workerScript(): { url: URL; needsTsx: boolean } {
  const fromSource = import.meta.url.endsWith('.ts');
  const url = scriptForTest ?? new URL(fromSource ? './record-worker.ts' : './record-worker.js', import.meta.url);
  const g = globalThis as { Bun?: unknown; Deno?: unknown };
  // Bun and Deno run TypeScript themselves; Node needs tsx's loader in the worker too.
  return { url, needsTsx: fromSource && g.Bun === undefined && g.Deno === undefined };
}

function spawnWorker(setup: WorkerSetup): Worker {
  const { url, needsTsx } = workerScript();
  if (!needsTsx) return new Worker(url, { workerData: setup });
  // Node 20 does not apply --import hooks to a worker's entry point: register tsx first, in the worker.
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(boot, { eval: true, workerData: setup });
}

export class WorkerBuilder implements RecordBuilder {
  readonly where = 'worker';
  private readonly worker: Worker;
  private dead = false;
  private ready = false;
  /** Exchanges posted and not yet back in a batch (or reported unrecorded). */
  private readonly holding = new Set<string>();
  private readonly flushes = new Map<number, (done: boolean) => void>();
  private flushCount = 0;
  /** Posts go out in order, each after its findings' digests are computed. */
  private posting: Promise<void> = Promise.resolve();
  private referenced = true;

  constructor(setup: WorkerSetup, private readonly digester: FindingDigester | undefined, private readonly events: BuilderEvents) {
    this.worker = spawnWorker(setup);
    this.worker.on('message', (message: FromWorker) => this.receive(message));
    this.worker.on('error', (error: Error) => this.die(`the record worker failed: ${error.message}`));
    this.worker.on('exit', (code: number) => this.die(`the record worker exited with code ${code}`));
    this.updateRef();
  }

  /** Keeps the process alive while the worker holds exchanges, as a pending batch timer would. */
  private updateRef(): void {
    const busy = this.holding.size > 0 || this.flushes.size > 0;
    if (busy === this.referenced) return;
    this.referenced = busy;
    if (busy) this.worker.ref?.();
    else this.worker.unref?.();
  }

  private receive(message: FromWorker): void {
    if (this.dead) return;
    if (message.type === 'ready') {
      this.ready = true;
    } else if (message.type === 'built') {
      if (!message.recorded) this.holding.delete(message.id);
      this.events.built(message.id, message.recorded);
    } else if (message.type === 'batch') {
      for (const id of message.batch.ids) this.holding.delete(id);
      this.events.batch(message.batch);
    } else if (message.type === 'flushed') {
      this.flushes.get(message.n)?.(true);
      this.flushes.delete(message.n);
    } else if (message.type === 'log') {
      this.events.log(message.message);
    }
    this.updateRef();
  }

  private die(reason: string): void {
    if (this.dead) return;
    this.end();
    this.events.died(reason, this.ready);
  }

  private end(): void {
    this.dead = true;
    for (const resolve of this.flushes.values()) resolve(false);
    this.flushes.clear();
    this.holding.clear();
    this.updateRef();
  }

  build(capture: ExchangeCapture): void {
    this.holding.add(capture.start.id);
    this.updateRef();
    const digester = this.digester;
    this.posting = this.posting.then(async () => {
      // The key stays on this thread: the worker gets each original's digest, never the key.
      const originals = digester ? capture.findings.filter((f) => !('digest' in f)).map((f) => f.original) : [];
      const digests: [string, string][] = digester ? await Promise.all(originals.map(async (o) => [o, await digester.digest(o)] as [string, string])) : [];
      if (this.dead) return;
      const { handed, transfer } = handOver(capture);
      this.worker.postMessage({ type: 'build', handed, digests } satisfies ToWorker, transfer);
    }).catch((error: Error) => this.die(`cannot hand an exchange to the record worker: ${error.message}`));
  }

  flush(): Promise<boolean> {
    if (this.dead) return Promise.resolve(false);
    const n = ++this.flushCount;
    const done = new Promise<boolean>((resolve) => this.flushes.set(n, resolve));
    this.updateRef();
    this.posting = this.posting.then(() => {
      if (!this.dead) this.worker.postMessage({ type: 'flush', n } satisfies ToWorker);
    });
    return done;
  }

  async stop(): Promise<void> {
    if (this.dead) return;
    this.end();
    await this.worker.terminate();
  }

  crashForTest(how: 'crash' | 'hang'): void {
    this.posting = this.posting.then(() => {
      if (!this.dead) this.worker.postMessage({ type: how } satisfies ToWorker);
    });
  }
}
