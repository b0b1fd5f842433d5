/**
 * Moves spooled batches to the store, oldest first, retrying with capped exponential backoff
 * for as long as it takes. A batch leaves the spool only when the store holds it: created now,
 * or already there with the same bytes (a 412 after a retry whose first attempt had in fact
 * succeeded). A different object under the same name is never overwritten; the batch is then
 * stored beside it under a marked name so that verify reports the clash.
 */
import { sha256Hex } from '../record/hash.ts';
import type { Sink } from './sink.ts';
import type { Spool } from './spool.ts';
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import { batchIndexText, encodeBatchIndex, parseIndexHeader } from '../record/batch-index.ts';
import { indexName } from './batch-names.ts';
import { indexBatchFile } from './batch-indexing.ts';
import type { SegmentWriter } from './segment-writer.ts';

const gunzipAsync = promisify(gunzip);

export interface UploaderOptions {
  retryMinMs: number;
  retryMaxMs: number;
  log: (message: string) => void;
  /** Gathers stored batches' indexes into segments. */
  segments?: SegmentWriter;
  /** Told of every batch the store now holds (the checkpoint writer). */
  onStored?: ((name: string, bytes: Uint8Array) => void) | undefined;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class Uploader {
  private running: Promise<void> | undefined;
  private stopped = false;
  private wake: (() => void) | undefined;
  /** Batches uploaded since start. */
  uploaded = 0;
  /** Upload attempts that failed, and attempts made after a failure, since start (metrics). */
  failures = 0;
  retries = 0;

  get segments(): SegmentWriter | undefined {
    return this.options.segments;
  }

  constructor(
    private readonly spool: Spool,
    private readonly sink: Sink,
    private readonly options: UploaderOptions,
  ) {}

  /** Starts uploading whatever is pending, if not already at it. */
  kick(): void {
    this.wake?.();
    if (this.running || this.stopped) return;
    this.running = this.run().finally(() => {
      this.running = undefined;
      if (!this.stopped && this.spool.pending().length > 0) this.kick();
    });
  }

  /** Resolves once nothing is pending, or when `timeoutMs` has passed. */
  async drain(timeoutMs = Infinity): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    this.kick();
    while (this.spool.pending().length > 0 && Date.now() < deadline) await sleep(Math.min(20, Math.max(1, deadline - Date.now())));
    return this.spool.pending().length === 0;
  }

  /** Stops after the current attempt; pending batches stay in the spool for the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.running;
  }

  private async backoff(attempt: number): Promise<void> {
    const ceiling = Math.min(this.options.retryMaxMs, this.options.retryMinMs * 2 ** attempt);
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, delay);
      this.wake = () => {
        if (!this.stopped) return;
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private async run(): Promise<void> {
    for (let next = this.spool.pending()[0]; next && !this.stopped; next = this.spool.pending()[0]) {
      await this.upload(next.name);
    }
  }

  /**
   * Stores the batch's index beside it (building it from the batch when an older version
   * spooled none). An index is never replaced: a different one already there is reported.
   */
  private async storeIndex(name: string, batch: Uint8Array): Promise<void> {
    const spooled = await this.spool.readIndex(name);
    const built = spooled ? undefined : await indexBatchFile(name, batch);
    const bytes = spooled ?? encodeBatchIndex(built!.header, built!.entries);
    const target = indexName(name);
    if ((await this.sink.create(target, bytes)) === 'exists' && !(await this.sink.holds(target, bytes))) {
      this.options.log(`store already holds a different ${target}; left as it is (scribe verify reports it)`);
    }
    if (!this.options.segments) return;
    // Unzipped on libuv's threads and kept as bytes: only the header line is read here.
    const text = spooled ? await gunzipAsync(spooled) : batchIndexText(built!.header, built!.entries);
    const header = spooled ? parseIndexHeader(text as Uint8Array) : built!.header;
    if (header) this.options.segments.stored(header, text);
  }

  private async upload(name: string): Promise<void> {
    const bytes = await this.spool.read(name);
    for (let attempt = 0; !this.stopped; attempt++) {
      if (attempt > 0) this.retries++;
      try {
        const result = await this.sink.create(name, bytes);
        if (result === 'exists' && !(await this.sink.holds(name, bytes))) {
          const marked = name.replace(/\.ndjson\.gz$/, `.clash${(await sha256Hex(bytes)).slice(0, 12)}.ndjson.gz`);
          this.options.log(`store already holds a different ${name}; storing this batch as ${marked}`);
          if ((await this.sink.create(marked, bytes)) === 'exists' && !(await this.sink.holds(marked, bytes))) {
            throw new Error(`store holds different objects under ${name} and ${marked}`);
          }
        }
        await this.storeIndex(name, bytes);
        await this.spool.remove(name);
        this.uploaded++;
        this.options.onStored?.(name, bytes);
        return;
      } catch (error) {
        this.failures++;
        this.options.log(`upload of ${name} failed (attempt ${attempt + 1}): ${(error as Error).message}`);
        await this.backoff(attempt);
      }
    }
  }
}
