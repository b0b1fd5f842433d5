/**
 * createRecorder composes recording: captures on the hot path, records built one at a time
 * off it, chained, batched, spooled with fsync, and uploaded to the store in the background.
 */
import { join } from 'node:path';
import { openCheckpointWriter, type CheckpointWriter } from '../checkpoint/index.ts';
import type { SigningKey } from '../checkpoint/signing-key.ts';
import type { FindingDigester } from '../mask/digest.ts';
import type { Sealer } from '../seal/sealer.ts';
import { batchName } from '../store/batch-names.ts';
import { openSink } from '../store/sink.ts';
import { Spool } from '../store/spool.ts';
import { Uploader } from '../store/uploader.ts';
import { SegmentWriter } from '../store/segment-writer.ts';
import { InflightJournal } from '../store/inflight-journal.ts';
import { StartJournal } from '../store/start-journal.ts';
import { decodeBatch } from './batch-file.ts';
import { journalLines, readJournal, startFacts, startFromFacts, type JournalProgress } from './inflight.ts';
import { encodeBatch } from './batch-file.ts';
import { encodeBatchIndex, indexEntryOf, INDEX_VERSION } from './batch-index.ts';
import { Batcher } from './batcher.ts';
import { sha256Hex } from './hash.ts';
import { buildRecord, type BuildContext, type UnchainedRecord } from './build-record.ts';
import { RecordChain, type ChainedLine } from './chain.ts';
import type { RecordingConfig } from './config.ts';
import { ExchangeCapture } from './exchange-capture.ts';
import { noRecorder, type ExchangeRecorder, type ExchangeStart, type Recorder, type RecordingHealth } from './recorder.ts';
import { ThreadIndex } from './threading.ts';

export type { RecordingConfig } from './config.ts';
export { recordingConfigSchema } from './config.ts';

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
}

export interface ScribeRecorder extends Recorder {
  /** Cuts the current batch and resolves once everything finished so far is in the spool. */
  flush(): Promise<void>;
  stats(): RecorderStats;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
/** Lets the event loop run (streams in progress) without a timer's millisecond floor. */
const yieldToLoop: () => Promise<void> =
  typeof globalThis.setImmediate === 'function' ? () => new Promise<void>((resolve) => setImmediate(resolve)) : () => sleep(0);
const BUILD_SLICE_MS = 0.5;
/** "Served unrecorded" is logged at most this often, with the count since the last line. */
const UNRECORDED_LOG_INTERVAL_MS = 10_000;
/** /healthz says degraded for this long after an exchange was served unrecorded. */
const DEGRADED_FOR_MS = 60_000;

function capturedBytes(capture: ExchangeCapture): number {
  let bytes = capture.start.request.body.byteLength;
  for (const chunk of capture.chunks) bytes += chunk.bytes.byteLength;
  return bytes;
}

/** Exchanges running longer than this are journaled while in flight, every interval. */
const JOURNAL_AFTER_MS = 1000;
const JOURNAL_INTERVAL_MS = 500;

class SpoolingRecorder implements ScribeRecorder {
  private readonly context: BuildContext;
  private readonly chain: RecordChain;
  private readonly batcher: Batcher;
  private building: Promise<void> = Promise.resolve();
  /** Ended exchanges waiting for their records to be built, in the order they ended. */
  private readonly toBuild: ExchangeCapture[] = [];
  private toBuildBytes = 0;
  private draining = false;
  /** Set on close once the build budget is spent: the drain loop stops at the next record. */
  private stopBuilding = false;
  private lastUnrecordedAt = 0;
  private unrecordedLogged = { at: 0, count: 0 };
  private spoolFailing = false;
  private closed = false;
  private counts = { begun: 0, recorded: 0, unrecorded: 0, spooledBatches: 0 };
  /** Exchanges begun and not yet ended, for the in-flight journal. */
  private readonly live = new Set<ExchangeCapture>();
  /** Journal state of exchanges that have (or had) a journal, until their record is spooled. */
  private readonly journaled = new Map<string, { progress: JournalProgress; writing: Promise<void> }>();
  private readonly journalTimer: ReturnType<typeof setInterval>;

  constructor(
    private readonly config: RecordingConfig,
    private readonly spool: Spool,
    private readonly journal: InflightJournal,
    private readonly uploader: Uploader,
    private readonly log: (message: string) => void,
    sealer: Sealer | undefined,
    private readonly checkpoints: CheckpointWriter | undefined,
    /** Every exchange's start, fsynced with group commit; and what an earlier run left open. */
    private readonly starts: { journal: StartJournal<ExchangeStart>; leftovers: Record<string, unknown>[] },
    digester?: FindingDigester,
  ) {
    const state = spool.writerState();
    this.chain = new RecordChain(state.instance, state.chain);
    const sessionHeaders = [...new Set([config.sessionHeader, 'x-claude-code-session-id'])];
    this.context = { threads: new ThreadIndex(), sealer, digester, sessionHeaders, storedDefinitions: new Set(), pause: yieldToLoop };
    this.batcher = new Batcher(config.batchMaxBytes, config.batchMaxAgeMs, (lines) => this.writeBatch(lines));
    this.journalTimer = setInterval(() => this.journalInFlight(), JOURNAL_INTERVAL_MS);
    (this.journalTimer as { unref?: () => void }).unref?.();
  }

  /**
   * Off the hot path, brings the journal of every long-running exchange up to date. Short
   * exchanges end (and reach the spool within the batch age) before they are ever journaled.
   */
  private journalInFlight(): void {
    const now = Date.now();
    for (const capture of this.live) {
      if (now - capture.start.startedAt < JOURNAL_AFTER_MS) continue;
      const id = capture.start.id;
      let state = this.journaled.get(id);
      if (!state) {
        state = { progress: { started: false, response: false, chunks: 0 }, writing: Promise.resolve() };
        this.journaled.set(id, state);
      }
      const lines = journalLines(capture, state.progress);
      state.writing = state.writing
        .then(() => this.journal.append(id, lines))
        .catch((error: Error) => this.log(`recording: cannot journal in-flight exchange ${id}: ${error.message}`));
    }
  }

  /** Records exchanges an earlier run left in flight, unless their records reached the spool. */
  private async journalUnbuilt(): Promise<void> {
    const left = [...this.toBuild.splice(0), ...this.live];
    if (left.length === 0) return;
    this.log(`recording: stopping with ${left.length} exchange(s) not yet recorded; saving their captures to the spool, to be recorded at the next start`);
    for (const capture of left) {
      const id = capture.start.id;
      const state = this.journaled.get(id) ?? { progress: { started: false, response: false, chunks: 0 }, writing: Promise.resolve() };
      // Keyed like every finding's digest (a plain hash of a short password can be reversed).
      const digester = this.context.digester;
      const hashes = digester ? await Promise.all(capture.findings.map((f) => digester.digest(f.original))) : [];
      await state.writing;
      await this.journal.append(id, journalLines(capture, state.progress, hashes)).catch((error: Error) => this.log(`recording: cannot save exchange ${id} to the spool: ${error.message}`));
      this.toBuildBytes -= capturedBytes(capture);
    }
  }

  async recoverJournals(): Promise<void> {
    const leftovers = await this.journal.leftovers();
    if (leftovers.length === 0 && this.starts.leftovers.length === 0) return;
    const spooled = new Set<string>();
    for (const { name } of this.spool.pending()) {
      const { lines } = await decodeBatch(await this.spool.read(name));
      for (const line of lines) spooled.add((JSON.parse(line) as { id: string }).id);
    }
    for (const { id, lines } of leftovers) {
      const got = readJournal(lines);
      if (!got || spooled.has(id)) {
        await this.journal.remove(id);
        continue;
      }
      this.log(`recording: recovering exchange ${id}, ${got.end ? 'served but not yet recorded' : 'in flight'} when the gateway stopped`);
      this.journaled.set(id, { progress: { started: true, response: true, chunks: got.chunks.length, ended: got.end !== undefined }, writing: Promise.resolve() });
      this.counts.begun++;
      this.enqueue(ExchangeCapture.recovered(got.start, got, () => {}));
    }
    await this.recoverStarts(spooled);
  }

  /** Exchanges an earlier run began and never recorded, not even in the in-flight journal. */
  private async recoverStarts(spooled: ReadonlySet<string>): Promise<void> {
    const accounted: string[] = [];
    for (const facts of this.starts.leftovers) {
      const id = String(facts.id);
      if (spooled.has(id) || this.journaled.has(id)) {
        accounted.push(id);
        continue;
      }
      this.log(`recording: exchange ${id} began before the gateway stopped and was never recorded; recording that it started`);
      const start = startFromFacts(facts);
      const capture = ExchangeCapture.recovered(start, { start, chunks: [] }, () => {});
      capture.detail = 'the gateway stopped before the exchange ended; only its start had been journaled';
      this.counts.begun++;
      this.enqueue(capture);
    }
    await this.starts.journal.done(accounted);
  }

  private full(): boolean {
    return this.spoolFailing || this.spool.pendingBytes() + this.batcher.bufferedBytes() + this.toBuildBytes >= this.config.spoolMaxBytes;
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
      this.live.delete(ended);
      this.enqueue(ended);
    });
    this.live.add(capture);
    this.starts.journal.started(start);
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
    return { state, unrecorded: this.counts.unrecorded, toBuild: this.toBuild.length };
  }

  /**
   * Queues an ended exchange for building, off the hot path and in the order exchanges ended
   * (a parent is built before its child). Its bytes count against the spool's bound, so a
   * gateway that serves faster than it can record fails open or closed instead of growing.
   */
  private enqueue(capture: ExchangeCapture): void {
    this.toBuild.push(capture);
    this.toBuildBytes += capturedBytes(capture);
    if (!this.draining) this.building = this.drain();
  }

  /**
   * Builds queued records in slices of about a millisecond, yielding to the event loop
   * between slices so streams in progress are never held up for long.
   */
  private async drain(): Promise<void> {
    this.draining = true;
    try {
      await yieldToLoop();
      let sliceStart = performance.now();
      for (let capture = this.toBuild.shift(); capture; capture = this.stopBuilding ? undefined : this.toBuild.shift()) {
        await this.record(capture);
        this.toBuildBytes -= capturedBytes(capture);
        if (performance.now() - sliceStart >= BUILD_SLICE_MS) {
          await yieldToLoop();
          sliceStart = performance.now();
        }
      }
    } finally {
      this.draining = false;
    }
  }

  private async record(capture: ExchangeCapture): Promise<void> {
    let record: UnchainedRecord;
    try {
      record = await buildRecord(capture, this.context);
    } catch (error) {
      // Never lose an exchange to a bug in threading or factoring: record it standalone.
      this.log(`recording: could not build the record of ${capture.start.id} (${(error as Error).message}); recording it without history deltas`);
      try {
        record = await buildRecord(capture, { ...this.context, threads: new ThreadIndex(), storedDefinitions: new Set() });
      } catch (again) {
        this.log(`recording: exchange ${capture.start.id} not recorded: ${(again as Error).stack ?? again}`);
        return;
      }
    }
    const chained = await this.chain.append(record);
    chained.entry = indexEntryOf(record, chained.seq, chained.hash);
    this.batcher.add(chained);
  }

  /** Writes one batch to the spool, retrying until it is durable: a record is never dropped. */
  private async writeBatch(lines: ChainedLine[]): Promise<void> {
    const state = this.spool.writerState();
    const seq = state.batch.seq + 1;
    const name = batchName(state.instance, seq, Math.min(...lines.map((l) => l.startMs)));
    const prev = state.batch.name && state.batch.sha256 ? { name: state.batch.name, sha256: state.batch.sha256 } : null;
    const { bytes, sha256, header } = await encodeBatch(lines, { name, instance: state.instance, seq, prev });
    const index = encodeBatchIndex(
      { index: INDEX_VERSION, batch: name, sha256, instance: state.instance, seq, records: lines.length, from: Date.parse(header.from), to: Date.parse(header.to) },
      lines.map((l) => l.entry).filter((e) => e !== undefined),
    );
    for (let attempt = 0; ; attempt++) {
      try {
        await this.spool.put(name, bytes, {
          instance: state.instance,
          batch: { seq, name, sha256 },
          chain: { seq: header.lastSeq, hash: header.lastRecord },
        }, index);
        break;
      } catch (error) {
        this.spoolFailing = true;
        this.log(`recording: cannot write ${name} to the spool (attempt ${attempt + 1}): ${(error as Error).message}`);
        await sleep(Math.min(5000, 100 * 2 ** attempt));
      }
    }
    this.spoolFailing = false;
    // The records are durable now: their journals go, and only then may the batch be uploaded.
    for (const { id } of lines) {
      const state = this.journaled.get(id);
      if (!state) continue;
      await state.writing;
      await this.journal.remove(id).catch((error: Error) => this.log(`recording: cannot remove the journal of ${id}: ${error.message}`));
      this.journaled.delete(id);
    }
    await this.starts.journal.done(lines.map((l) => l.id));
    this.spool.release(name);
    this.counts.recorded += lines.length;
    this.counts.spooledBatches++;
    this.uploader.kick();
  }

  async flush(): Promise<void> {
    let building: Promise<void>;
    do {
      building = this.building;
      await building;
    } while (building !== this.building);
    await this.batcher.flush();
  }

  stats(): RecorderStats {
    return {
      instance: this.chain.instance,
      inFlight: this.counts.begun - this.counts.recorded,
      recorded: this.counts.recorded,
      unrecorded: this.counts.unrecorded,
      toBuild: this.toBuild.length,
      lastUnrecordedAt: this.lastUnrecordedAt,
      spooledBatches: this.counts.spooledBatches,
      pendingBytes: this.spool.pendingBytes(),
      pendingBatches: this.spool.pending().length,
      uploadedBatches: this.uploader.uploaded,
      uploadFailures: this.uploader.failures,
      uploadRetries: this.uploader.retries,
    };
  }

  /**
   * Everything served reaches the spool before close resolves, however far behind the builder
   * is: records are built for a bounded time, and the exchanges still waiting then (and any
   * still streaming) are journaled as raw captures, which the next start builds.
   */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.journalTimer);
    const budget = setTimeout(() => {
      this.stopBuilding = true;
    }, this.config.closeBuildBudgetMs);
    await this.flush();
    clearTimeout(budget);
    await this.journalUnbuilt();
    await this.uploader.drain(this.config.closeUploadTimeoutMs);
    await this.uploader.stop();
    await this.uploader.segments?.close();
    await this.checkpoints?.close();
    await this.starts.journal.close();
    await this.spool.close();
  }
}

/** Opens the spool (draining what an earlier run left), the store, and starts recording. */
export async function createRecorder(config: RecordingConfig, options: RecorderOptions = {}): Promise<ScribeRecorder> {
  if (!config.enabled) {
    return { ...noRecorder, flush: async () => {}, stats: () => ({ instance: '', inFlight: 0, recorded: 0, unrecorded: 0, toBuild: 0, lastUnrecordedAt: 0, spooledBatches: 0, pendingBytes: 0, pendingBatches: 0, uploadedBatches: 0, uploadFailures: 0, uploadRetries: 0 }) };
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
  const recorder = new SpoolingRecorder(config, spool, new InflightJournal(config.spoolDir), uploader, log, options.sealer, checkpoints, starts, options.digester);
  // Before any upload: recovery must see every spooled record to avoid recording one twice.
  await recorder.recoverJournals();
  uploader.kick();
  return recorder;
}
