/**
 * The CPU-bound half of recording, from an ended exchange to an encoded batch file: build the
 * record, link it into the chain, gather lines into batches, encode each batch and its index.
 * It does no I/O: each encoded batch is handed to `emit`, and whoever owns the spool writes it.
 * The same pipeline runs in the record worker (record-worker.ts) or, as a fallback, on the
 * gateway's own thread.
 */
import type { FindingDigester } from '../mask/digest.ts';
import type { Sealer } from '../seal/sealer.ts';
import { batchName } from '../store/batch-names.ts';
import type { WriterState } from '../store/spool.ts';
import { encodeBatch } from './batch-file.ts';
import { encodeBatchIndex, indexEntryOf, INDEX_VERSION } from './batch-index.ts';
import { Batcher } from './batcher.ts';
import { buildRecord, type BuildContext, type UnchainedRecord } from './build-record.ts';
import { RecordChain, type ChainedLine } from './chain.ts';
import type { CapturedExchange } from './exchange-capture.ts';
import { ThreadIndex } from './threading.ts';

/** Where the pipeline starts: the writer's chain and batch heads, and how to batch. */
export interface PipelineStart {
  state: WriterState;
  sessionHeaders: readonly string[];
  batchMaxBytes: number;
  batchMaxAgeMs: number;
}

/** One batch file ready for the spool, and the writer state once it is written. */
export interface EncodedBatch {
  name: string;
  bytes: Uint8Array;
  index: Uint8Array;
  /** The exchanges it records, in chain order. */
  ids: string[];
  next: WriterState;
}

export class RecordPipeline {
  private readonly context: BuildContext;
  private readonly chain: RecordChain;
  private readonly batcher: Batcher;
  private state: WriterState;

  constructor(
    start: PipelineStart,
    keys: { sealer?: Sealer | undefined; digester?: FindingDigester | undefined },
    private readonly emit: (batch: EncodedBatch) => void,
    private readonly log: (message: string) => void,
    pause?: () => Promise<void>,
  ) {
    this.state = start.state;
    this.chain = new RecordChain(start.state.instance, start.state.chain);
    this.context = {
      threads: new ThreadIndex(),
      sealer: keys.sealer,
      digester: keys.digester,
      sessionHeaders: start.sessionHeaders,
      storedDefinitions: new Set(),
      ...(pause ? { pause } : {}),
    };
    this.batcher = new Batcher(start.batchMaxBytes, start.batchMaxAgeMs, async (lines) => this.emit(await this.encode(lines)));
  }

  /**
   * Builds one record and adds it to the current batch; false when the exchange could not be
   * recorded at all. `digester` replaces the pipeline's for this exchange (digests computed by
   * the thread that holds the key).
   */
  async build(capture: CapturedExchange, digester?: FindingDigester): Promise<boolean> {
    const context = digester ? { ...this.context, digester } : this.context;
    let record: UnchainedRecord;
    try {
      record = await buildRecord(capture, context);
    } catch (error) {
      // Never lose an exchange to a bug in threading or factoring: record it standalone.
      this.log(`recording: could not build the record of ${capture.start.id} (${(error as Error).message}); recording it without history deltas`);
      try {
        record = await buildRecord(capture, { ...context, threads: new ThreadIndex(), storedDefinitions: new Set() });
      } catch (again) {
        this.log(`recording: exchange ${capture.start.id} not recorded: ${(again as Error).stack ?? again}`);
        return false;
      }
    }
    const chained = await this.chain.append(record);
    chained.entry = indexEntryOf(record, chained.seq, chained.hash);
    this.batcher.add(chained);
    return true;
  }

  /** Cuts the current batch; resolves once every batch so far has been emitted. */
  flush(): Promise<void> {
    return this.batcher.flush();
  }

  private async encode(lines: ChainedLine[]): Promise<EncodedBatch> {
    const { instance } = this.state;
    const seq = this.state.batch.seq + 1;
    const name = batchName(instance, seq, Math.min(...lines.map((l) => l.startMs)));
    const prev = this.state.batch.name && this.state.batch.sha256 ? { name: this.state.batch.name, sha256: this.state.batch.sha256 } : null;
    const { bytes, sha256, header } = await encodeBatch(lines, { name, instance, seq, prev });
    const index = encodeBatchIndex(
      { index: INDEX_VERSION, batch: name, sha256, instance, seq, records: lines.length, from: Date.parse(header.from), to: Date.parse(header.to) },
      lines.map((l) => l.entry).filter((e) => e !== undefined),
    );
    this.state = { instance, batch: { seq, name, sha256 }, chain: { seq: header.lastSeq, hash: header.lastRecord } };
    return { name, bytes, index, ids: lines.map((l) => l.id), next: this.state };
  }
}
