/**
 * createRecorder composes recording: captures on the hot path, records built off it (in the
 * record worker, or on this thread where no worker can run), chained, batched, spooled with
 * fsync, and uploaded to the store in the background.
 */
import { join } from 'node:path';
import { openCheckpointWriter, type CheckpointWriter } from '../checkpoint/index.ts';
import type { FindingDigester } from '../mask/digest.ts';
import type { Sealer } from '../seal/sealer.ts';
import { openSink } from '../store/sink.ts';
import { Spool, type WriterState } from '../store/spool.ts';
import { Uploader } from '../store/uploader.ts';
import { SegmentWriter } from '../store/segment-writer.ts';
import { InflightJournal } from '../store/inflight-journal.ts';
import { StartJournal } from '../store/start-journal.ts';
import { startFacts } from './inflight.ts';
import { CaptureJournals, JOURNAL_INTERVAL_MS } from './capture-journals.ts';
import type { RecordingConfig } from './config.ts';
import { ExchangeCapture } from './exchange-capture.ts';
import { InThreadBuilder, WorkerBuilder, type BuilderEvents, type RecordBuilder } from './record-builders.ts';
import type { EncodedBatch, PipelineStart } from './record-pipeline.ts';
import { noRecorder, type ExchangeRecorder, type ExchangeStart, type RecordingHealth } from './recorder.ts';
import { workerWanted, type RecorderOptions, type RecorderStats, type ScribeRecorder } from './recorder-options.ts';

export type { RecordingConfig } from './config.ts';
export type { RecorderOptions, RecorderStats, ScribeRecorder } from './recorder-options.ts';
export { recordingConfigSchema } from './config.ts';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
/** "Served unrecorded" is logged at most this often, with the count since the last line. */
const UNRECORDED_LOG_INTERVAL_MS = 10_000;
/** /healthz says degraded for this long after an exchange was served unrecorded. */
const DEGRADED_FOR_MS = 60_000;
/**
 * Exchanges handed to the worker and not yet built: a few, so it is never idle, but never the
 * backlog, which stays here to be saved raw if the gateway stops before it is built.
 */
const WORKER_WINDOW = 4;
/** After this many worker deaths, records are built on this thread. */
const WORKER_LIVES = 3;
/** On close, how long the builder may take past the build budget before it is abandoned. */
const CLOSE_GRACE_MS = 5_000;

function capturedBytes(capture: ExchangeCapture): number {
  let bytes = capture.start.request.body.byteLength;
  for (const chunk of capture.chunks) bytes += chunk.bytes.byteLength;
  return bytes;
}

class SpoolingRecorder implements ScribeRecorder {
  private builder: RecordBuilder;
  private workerDeaths = 0;
  /** Ended exchanges not yet handed to the builder, in the order they ended. */
  private readonly toBuild: ExchangeCapture[] = [];
  /** Handed to the builder and not yet back in a batch, in the order handed. */
  private readonly held = new Map<string, ExchangeCapture>();
  /** Handed to the builder and not yet built. */
  private unbuilt = 0;
  /** Bytes of the exchanges in toBuild and held, and of batches on their way to the spool. */
  private heldBytes = 0;
  private writingBytes = 0;
  /** The writer state after the last batch the builder gave: where a new builder starts. */
  private head: WriterState;
  private spoolWriting: Promise<void> = Promise.resolve();
  private idleWaiters: (() => void)[] = [];
  /** Set on close once the build budget is spent: nothing more is handed to the builder. */
  private stopBuilding = false;
  private lastUnrecordedAt = 0;
  private unrecordedLogged = { at: 0, count: 0 };
  private spoolFailing = false;
  private closed = false;
  private counts = { begun: 0, recorded: 0, unrecorded: 0, spooledBatches: 0 };
  private readonly journals: CaptureJournals;
  private readonly journalTimer: ReturnType<typeof setInterval>;
  private readonly events: BuilderEvents;

  constructor(
    private readonly config: RecordingConfig,
    private readonly spool: Spool,
    journal: InflightJournal,
    private readonly uploader: Uploader,
    private readonly log: (message: string) => void,
    private readonly keys: { sealer?: Sealer | undefined; digester?: FindingDigester | undefined },
    private readonly checkpoints: CheckpointWriter | undefined,
    /** Every exchange's start, fsynced with group commit; and what an earlier run left open. */
    starts: { journal: StartJournal<ExchangeStart>; leftovers: Record<string, unknown>[] },
    useWorker: boolean,
  ) {
    this.head = spool.writerState();
    this.journals = new CaptureJournals(journal, starts, log);
    this.events = {
      built: (id, recorded) => this.built(id, recorded),
      batch: (batch) => this.batchEncoded(batch),
      died: (reason, started) => this.builderDied(reason, started),
      log,
    };
    this.builder = useWorker ? this.startWorker() : new InThreadBuilder(this.pipelineStart(), keys, this.events);
    this.journalTimer = setInterval(() => this.journals.journalInFlight(), JOURNAL_INTERVAL_MS);
    (this.journalTimer as { unref?: () => void }).unref?.();
  }

  private pipelineStart(): PipelineStart {
    const { config } = this;
    const sessionHeaders = [...new Set([config.sessionHeader, 'x-claude-code-session-id'])];
    return { state: this.head, sessionHeaders, batchMaxBytes: config.batchMaxBytes, batchMaxAgeMs: config.batchMaxAgeMs };
  }

  /** A worker, or this thread when none can be started (it is said once, in the log). */
  private startWorker(): RecordBuilder {
    const { sealer, digester } = this.keys;
    if (sealer && !sealer.publicJwk) {
      this.log('recording: the sealer has no public key to give a worker; building records on the gateway thread');
      return new InThreadBuilder(this.pipelineStart(), this.keys, this.events);
    }
    try {
      return new WorkerBuilder({
        start: this.pipelineStart(),
        ...(sealer?.publicJwk ? { sealJwk: sealer.publicJwk } : {}),
        ...(digester ? { digestKeyId: digester.keyId } : {}),
      }, digester, this.events);
    } catch (error) {
      this.log(`recording: cannot start a record worker (${(error as Error).message}); building records on the gateway thread`);
      return new InThreadBuilder(this.pipelineStart(), this.keys, this.events);
    }
  }

  /**
   * Whatever the dead worker held is built again, first and in its order, by a new builder: a
   * new worker, or this thread after WORKER_LIVES deaths or when no worker could start at all.
   */
  private builderDied(reason: string, started: boolean): void {
    this.workerDeaths++;
    const thread = !started || this.workerDeaths >= WORKER_LIVES || this.closed;
    if (!started) this.log(`recording: cannot start a record worker (${reason}); building records on the gateway thread`);
    else this.log(`recording: ${reason}; rebuilding the ${this.held.size} exchange(s) it held ${thread ? 'on the gateway thread from now on' : 'in a new worker'}`);
    this.replaceBuilder(thread ? new InThreadBuilder(this.pipelineStart(), this.keys, this.events) : this.startWorker());
  }

  private replaceBuilder(next: RecordBuilder): void {
    this.toBuild.unshift(...this.held.values());
    this.held.clear();
    this.unbuilt = 0;
    this.builder = next;
    this.pump();
  }

  /** Tests only: the worker crashes as if it had hit a fatal error, or hangs. */
  crashBuilderForTest(how: 'crash' | 'hang' = 'crash'): void {
    this.builder.crashForTest?.(how);
  }

  async recoverJournals(): Promise<void> {
    await this.journals.recover(this.spool, (capture) => {
      this.counts.begun++;
      this.enqueue(capture);
    });
  }

  private full(): boolean {
    return this.spoolFailing || this.spool.pendingBytes() + this.heldBytes + this.writingBytes >= this.config.spoolMaxBytes;
  }

  accepting(): boolean {
    return this.config.whenFull === 'open' || !this.full();
  }

  begin(start: ExchangeStart): ExchangeRecorder {
    if (this.closed) return noRecorder.begin(start);
    if (this.config.whenFull === 'open' && this.full()) {
      this.servedUnrecorded(start.id);
      return noRecorder.begin(start);
    }
    this.counts.begun++;
    const capture = new ExchangeCapture(start, (ended) => {
      this.journals.ended(ended);
      this.enqueue(ended);
    });
    this.journals.started(capture);
    return capture;
  }

  /** Counts an exchange served without a record and says so, at a bounded rate. */
  private servedUnrecorded(id: string): void {
    this.counts.unrecorded++;
    this.lastUnrecordedAt = Date.now();
    if (this.lastUnrecordedAt - this.unrecordedLogged.at < UNRECORDED_LOG_INTERVAL_MS) return;
    const since = this.counts.unrecorded - this.unrecordedLogged.count;
    this.unrecordedLogged = { at: this.lastUnrecordedAt, count: this.counts.unrecorded };
    this.log(`recording: spool full, ${since} exchange(s) served unrecorded since the last warning (latest ${id}; ${this.counts.unrecorded} in all)`);
  }

  /** Ok, or degraded while exchanges are (or lately were) served unrecorded. */
  health(): RecordingHealth {
    const recent = this.lastUnrecordedAt > 0 && Date.now() - this.lastUnrecordedAt < DEGRADED_FOR_MS;
    const state = !this.accepting() ? 'unavailable' : recent || (this.config.whenFull === 'open' && this.full()) ? 'degraded' : 'ok';
    return { state, unrecorded: this.counts.unrecorded, toBuild: this.toBuild.length + this.unbuilt };
  }

  /**
   * Queues an ended exchange for building, in the order exchanges ended (a parent is built
   * before its child). Its bytes count against the spool's bound until its batch is spooled,
   * so a gateway that serves faster than it can record fails open or closed instead of growing.
   */
  private enqueue(capture: ExchangeCapture): void {
    this.toBuild.push(capture);
    this.heldBytes += capturedBytes(capture);
    this.pump();
  }

  /** Hands queued exchanges to the builder, a few at a time. */
  private pump(): void {
    const window = this.builder.where === 'worker' ? WORKER_WINDOW : 1;
    while (!this.stopBuilding && this.unbuilt < window) {
      const capture = this.toBuild.shift();
      if (!capture) break;
      this.held.set(capture.start.id, capture);
      this.unbuilt++;
      this.builder.build(capture);
    }
    if (this.unbuilt === 0 && (this.stopBuilding || this.toBuild.length === 0)) {
      for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
  }

  /** Resolves once nothing is queued (or building has stopped) and the builder has built all it was given. */
  private idle(): Promise<void> {
    return new Promise((resolve) => {
      this.idleWaiters.push(resolve);
      this.pump();
    });
  }

  private built(id: string, recorded: boolean): void {
    this.unbuilt--;
    if (!recorded) this.release(id);
    this.pump();
  }

  private release(id: string): void {
    const capture = this.held.get(id);
    if (!capture) return;
    this.held.delete(id);
    this.heldBytes -= capturedBytes(capture);
  }

  private batchEncoded(batch: EncodedBatch): void {
    for (const id of batch.ids) this.release(id);
    this.head = batch.next;
    this.writingBytes += batch.bytes.byteLength;
    this.spoolWriting = this.spoolWriting.then(() => this.writeBatch(batch));
  }

  /** Writes one batch to the spool, retrying until it is durable: a record is never dropped. */
  private async writeBatch(batch: EncodedBatch): Promise<void> {
    const { name, bytes, index, next, ids } = batch;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.spool.put(name, bytes, next, index);
        break;
      } catch (error) {
        this.spoolFailing = true;
        this.log(`recording: cannot write ${name} to the spool (attempt ${attempt + 1}): ${(error as Error).message}`);
        await sleep(Math.min(5000, 100 * 2 ** attempt));
      }
    }
    this.spoolFailing = false;
    this.writingBytes -= bytes.byteLength;
    // The records are durable now: their journals go, and only then may the batch be uploaded.
    await this.journals.spooled(ids);
    this.spool.release(name);
    this.counts.recorded += ids.length;
    this.counts.spooledBatches++;
    this.uploader.kick();
  }

  async flush(): Promise<void> {
    for (;;) {
      await this.idle();
      // False: the builder died first, and what it held is queued again.
      if (await this.builder.flush()) break;
    }
    let writing: Promise<void>;
    do {
      writing = this.spoolWriting;
      await writing;
    } while (writing !== this.spoolWriting);
  }

  stats(): RecorderStats {
    return {
      instance: this.head.instance,
      inFlight: this.counts.begun - this.counts.recorded,
      recorded: this.counts.recorded,
      unrecorded: this.counts.unrecorded,
      toBuild: this.toBuild.length + this.unbuilt,
      lastUnrecordedAt: this.lastUnrecordedAt,
      spooledBatches: this.counts.spooledBatches,
      pendingBytes: this.spool.pendingBytes(),
      pendingBatches: this.spool.pending().length,
      uploadedBatches: this.uploader.uploaded,
      uploadFailures: this.uploader.failures,
      uploadRetries: this.uploader.retries,
      builtIn: this.builder.where,
    };
  }

  /**
   * Everything served reaches the spool before close resolves, however far behind the builder
   * is: records are built for a bounded time, and the exchanges still waiting then (and any
   * still streaming) are journaled as raw captures, which the next start builds. A builder
   * that does not finish what it was given soon after is abandoned: that is journaled too.
   */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.journalTimer);
    let grace: ReturnType<typeof setTimeout> | undefined;
    const budget = setTimeout(() => {
      this.stopBuilding = true;
      this.pump();
      grace = setTimeout(() => {
        this.log('recording: the record builder did not finish in time; saving what it held to the spool instead');
        const abandoned = this.builder;
        this.replaceBuilder(new InThreadBuilder(this.pipelineStart(), this.keys, this.events));
        void abandoned.stop();
      }, CLOSE_GRACE_MS);
    }, this.config.closeBuildBudgetMs);
    await this.flush();
    clearTimeout(budget);
    clearTimeout(grace);
    const left = [...this.toBuild.splice(0), ...this.journals.live];
    await this.journals.saveUnbuilt(left, this.keys.digester);
    await this.builder.stop();
    await this.uploader.drain(this.config.closeUploadTimeoutMs);
    await this.uploader.stop();
    await this.uploader.segments?.close();
    await this.checkpoints?.close();
    await this.journals.close();
    await this.spool.close();
  }
}

/** Opens the spool (draining what an earlier run left), the store, and starts recording. */
export async function createRecorder(config: RecordingConfig, options: RecorderOptions = {}): Promise<ScribeRecorder> {
  if (!config.enabled) {
    return { ...noRecorder, flush: async () => {}, stats: () => ({ instance: '', inFlight: 0, recorded: 0, unrecorded: 0, toBuild: 0, lastUnrecordedAt: 0, spooledBatches: 0, pendingBytes: 0, pendingBatches: 0, uploadedBatches: 0, uploadFailures: 0, uploadRetries: 0, builtIn: '' }) };
  }
  const log = options.log ?? ((message: string) => console.error(message));
  const spool = await Spool.open(config.spoolDir, options.instanceId, options.instanceName);
  const sink = await openSink(config.store, config.gcsEndpoint ? { gcsEndpoint: config.gcsEndpoint } : {});
  const segments = new SegmentWriter(sink, log);
  const checkpoints = options.signingKey ? await openCheckpointWriter(config, sink, options.signingKey, log, options.publishCheckpoint) : undefined;
  const onStored = checkpoints && ((name: string, bytes: Uint8Array) => checkpoints.batchStored(name, bytes));
  const uploader = new Uploader(spool, sink, { retryMinMs: config.uploadRetryMinMs, retryMaxMs: config.uploadRetryMaxMs, log, segments, onStored });
  const starts = await StartJournal.open<ExchangeStart>(join(config.spoolDir, 'starts'), { describe: startFacts, log });
  const pending = spool.pending().length;
  if (pending > 0) log(`recording: draining ${pending} spooled batch(es) to ${sink.url}`);
  const keys = { sealer: options.sealer, digester: options.digester };
  const recorder = new SpoolingRecorder(config, spool, new InflightJournal(config.spoolDir), uploader, log, keys, checkpoints, starts, workerWanted(options, config));
  // Before any upload: recovery must see every spooled record to avoid recording one twice.
  await recorder.recoverJournals();
  uploader.kick();
  return recorder;
}
