/**
 * Gathers chained record lines into batches: a batch is cut when it reaches its size limit,
 * when its first line has waited its maximum age (which bounds how long a finished exchange
 * stays only in memory), and on flush at shutdown. Batches are handed on one at a time, in
 * order, because each batch file names its predecessor.
 */
import type { ChainedLine } from './chain.ts';

export class Batcher {
  private lines: ChainedLine[] = [];
  private bytes = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly maxBytes: number,
    private readonly maxAgeMs: number,
    private readonly write: (lines: ChainedLine[]) => Promise<void>,
  ) {}

  /** Bytes of record lines waiting to be cut into a batch. */
  bufferedBytes(): number {
    return this.bytes;
  }

  add(line: ChainedLine): void {
    this.lines.push(line);
    this.bytes += line.line.length + 1;
    if (this.bytes >= this.maxBytes) this.cut();
    else this.timer ??= setTimeout(() => this.cut(), this.maxAgeMs);
  }

  /** Cuts the current batch (if any) and resolves once every batch so far is written. */
  flush(): Promise<void> {
    this.cut();
    return this.writing;
  }

  private cut(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.lines.length === 0) return;
    const lines = this.lines;
    this.lines = [];
    this.bytes = 0;
    this.writing = this.writing.then(() => this.write(lines));
  }
}
