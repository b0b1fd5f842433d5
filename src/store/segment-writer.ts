/**
 * Gathers the indexes of a writer's stored batches into segments: one object for a run of
 * consecutive batches, so that a reader of an hour downloads a few segments instead of
 * thousands of per-batch indexes. A segment is written only once every batch it describes is
 * in the store. Segments only accelerate reading: one that fails to upload is logged and
 * dropped, and readers fall back to the per-batch indexes it would have covered.
 */
import { createGzip } from 'node:zlib';
import type { BatchIndexHeader } from '../record/batch-index.ts';
import { hourOfName, segmentName } from './batch-names.ts';
import type { Sink } from './sink.ts';

export interface SegmentLimits {
  /** Cut a segment after this many batches... */
  maxBatches: number;
  /** ...or once its first batch has waited this long. */
  maxAgeMs: number;
}

export const defaultSegmentLimits: SegmentLimits = { maxBatches: 256, maxAgeMs: 5 * 60_000 };

interface Run {
  instance: string;
  hour: string | undefined;
  firstSeq: number;
  lastSeq: number;
  from: number;
  parts: (string | Uint8Array)[];
  openedAt: number;
}

export class SegmentWriter {
  private run: Run | undefined;
  private writing: Promise<void> = Promise.resolve();
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(
    private readonly sink: Sink,
    private readonly log: (message: string) => void,
    private readonly limits: SegmentLimits = defaultSegmentLimits,
    private readonly now: () => number = Date.now,
  ) {
    this.timer = setInterval(() => {
      if (this.run && this.now() - this.run.openedAt >= this.limits.maxAgeMs) this.cut();
    }, Math.min(60_000, this.limits.maxAgeMs));
    (this.timer as { unref?: () => void }).unref?.();
  }

  /** A batch and its index (uncompressed, as text or its UTF-8 bytes) are now both in the store. */
  stored(header: BatchIndexHeader, indexText: string | Uint8Array): void {
    const run = this.run;
    const hour = hourOfName(header.batch);
    if (run && (run.instance !== header.instance || run.lastSeq + 1 !== header.seq || run.hour !== hour)) this.cut();
    if (!this.run) {
      this.run = { instance: header.instance, hour, firstSeq: header.seq, lastSeq: header.seq, from: header.from, parts: [], openedAt: this.now() };
    }
    const current = this.run;
    current.lastSeq = header.seq;
    current.from = Math.min(current.from, header.from);
    current.parts.push(indexText);
    if (current.parts.length >= this.limits.maxBatches) this.cut();
  }

  /** Writes the open run (if any); resolves when every segment cut so far is written. */
  flush(): Promise<void> {
    this.cut();
    return this.writing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  private cut(): void {
    const run = this.run;
    this.run = undefined;
    if (!run) return;
    const name = segmentName(run.instance, run.firstSeq, run.lastSeq, run.from);
    this.writing = this.writing.then(async () => {
      try {
        await this.sink.create(name, await gzipParts(run.parts));
      } catch (error) {
        this.log(`recording: index segment ${name} not written (${(error as Error).message}); readers use the per-batch indexes`);
      }
    });
  }
}

/**
 * The parts, back to back, gzipped on libuv's threads. A segment of 256 batch indexes at 120
 * exchanges a second is about 17 MB of text; joining and gzipping it on the serving thread took
 * about 0.4 s here (measured on synthetic indexes of that size), a pause for every open stream.
 */
function gzipParts(parts: readonly (string | Uint8Array)[]): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const gzip = createGzip();
    const out: Buffer[] = [];
    gzip.on('data', (chunk: Buffer) => out.push(chunk));
    gzip.once('end', () => resolve(Buffer.concat(out)));
    gzip.once('error', reject);
    for (const part of parts) gzip.write(part);
    gzip.end();
  });
}
