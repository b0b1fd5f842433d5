/**
 * The start journal: a line for every exchange as it begins, fsynced with group commit, so
 * that even a power cut leaves a trace of each exchange that was under way. The hot path only
 * keeps a reference (`started`); a timer turns everything started since the last commit into
 * lines, writes them with one write and one fdatasync, at most once per `groupMs`. When a
 * record reaches the spool its exchange is marked done (`done`, awaited before the batch may
 * leave the spool), so what a crash leaves open is exactly what never got a record.
 *
 * Files: <dir>/starts-<n>.jsonl, lines {"start":{id,...facts}} and {"done":[ids]}. When a
 * file grows past `segmentBytes`, the open starts are copied to a new file and the old one
 * goes. Never bodies, headers or findings: only what the caller passes as facts.
 */
import { mkdir, open, readdir, readFile, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { syncDirectory } from './file-sink.ts';

export interface StartJournalOptions<T> {
  /** The facts to journal for an item, with its id; called off the hot path. */
  describe: (item: T) => { id: string };
  /** Least time between commits (one fsync each). */
  groupMs?: number;
  segmentBytes?: number;
  log?: (message: string) => void;
}

const segmentNumber = (file: string) => Number(/^starts-(\d+)\.jsonl$/.exec(file)?.[1] ?? NaN);

export class StartJournal<T> {
  private waiting: T[] = [];
  private doneWaiting: string[] = [];
  /** Calls to started()/done() so far, and how many of them the last finished commit covered. */
  private enqueued = 0;
  private committedThrough = 0;
  private durableWaiters: { target: number; resolve: () => void }[] = [];
  /** Starts written and not yet done: id -> line, copied into the next segment. */
  private readonly open = new Map<string, string>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private committing: Promise<void> | undefined;
  private lastCommit = 0;
  private segmentSize = 0;
  private closed = false;
  /** Commits (fdatasync calls) since open. */
  commits = 0;

  private constructor(
    private readonly dir: string,
    private handle: FileHandle,
    private segment: number,
    private readonly options: Required<Omit<StartJournalOptions<T>, 'log'>> & { log: (message: string) => void },
  ) {}

  /**
   * Opens the journal in `dir`. Returns the starts an earlier run left open (what it never
   * recorded); they stay open in the new segment until marked done.
   */
  static async open<T>(dir: string, options: StartJournalOptions<T>): Promise<{ journal: StartJournal<T>; leftovers: Record<string, unknown>[] }> {
    await mkdir(dir, { recursive: true });
    const files = (await readdir(dir)).filter((f) => !Number.isNaN(segmentNumber(f))).sort((a, b) => segmentNumber(a) - segmentNumber(b));
    const open = new Map<string, string>();
    for (const file of files) {
      for (const line of (await readFile(join(dir, file), 'utf8')).split('\n')) {
        let entry: { start?: { id?: unknown }; done?: unknown };
        try {
          entry = JSON.parse(line) as typeof entry;
        } catch {
          continue; // Empty, or cut short by the crash.
        }
        if (entry.start && typeof entry.start.id === 'string') open.set(entry.start.id, line);
        else if (Array.isArray(entry.done)) for (const id of entry.done) open.delete(String(id));
      }
    }
    const segment = (files.length > 0 ? segmentNumber(files[files.length - 1] as string) : 0) + 1;
    const handle = await StartJournal.createSegment(dir, segment, [...open.values()]);
    for (const file of files) await unlink(join(dir, file));
    const journal = new StartJournal<T>(dir, handle, segment, { groupMs: 10, segmentBytes: 4 * 1024 * 1024, log: () => {}, ...options });
    for (const [id, line] of open) {
      journal.open.set(id, line);
      journal.segmentSize += line.length + 1;
    }
    return { journal, leftovers: [...open.values()].map((line) => (JSON.parse(line) as { start: Record<string, unknown> }).start) };
  }

  private static async createSegment(dir: string, segment: number, lines: string[]): Promise<FileHandle> {
    const handle = await open(join(dir, `starts-${segment}.jsonl`), 'a');
    if (lines.length > 0) await handle.write(lines.map((l) => `${l}\n`).join(''));
    await handle.datasync();
    await syncDirectory(dir);
    return handle;
  }

  /** On the hot path: keeps a reference; the line is written and fsynced within about groupMs. */
  started(item: T): void {
    if (this.closed) return;
    this.waiting.push(item);
    this.enqueued++;
    this.schedule();
  }

  /** Marks exchanges done; resolves once that is durable. */
  done(ids: readonly string[]): Promise<void> {
    if (this.closed || ids.length === 0) return Promise.resolve();
    this.doneWaiting.push(...ids);
    this.enqueued++;
    return this.durable();
  }

  /** Resolves once everything started or done so far is durable (later calls need not be). */
  durable(): Promise<void> {
    const target = this.enqueued;
    if (this.committedThrough >= target) return Promise.resolve();
    const durable = new Promise<void>((resolve) => this.durableWaiters.push({ target, resolve }));
    this.schedule();
    return durable;
  }

  private schedule(): void {
    if (this.timer || this.committing) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.committing = this.commit().finally(() => {
        this.committing = undefined;
        if (this.waiting.length > 0 || this.doneWaiting.length > 0) this.schedule();
      });
    }, Math.max(0, this.lastCommit + this.options.groupMs - Date.now()));
  }

  private async commit(): Promise<void> {
    this.lastCommit = Date.now();
    const items = this.waiting;
    const ids = this.doneWaiting;
    const through = this.enqueued;
    this.waiting = [];
    this.doneWaiting = [];
    let text = '';
    for (const item of items) {
      const facts = this.options.describe(item);
      const line = JSON.stringify({ start: facts });
      this.open.set(facts.id, line);
      text += `${line}\n`;
    }
    if (ids.length > 0) {
      for (const id of ids) this.open.delete(id);
      text += `${JSON.stringify({ done: ids })}\n`;
    }
    try {
      if (this.segmentSize + text.length > this.options.segmentBytes) {
        await this.rotate();
        // The new segment holds exactly the open starts: these included, the done ones gone.
        text = '';
      }
      if (text !== '') {
        await this.handle.write(text);
        await this.handle.datasync();
        this.segmentSize += text.length;
        this.commits++;
      }
    } catch (error) {
      this.options.log(`recording: cannot write the start journal: ${(error as Error).message}`);
    }
    this.committedThrough = through;
    const ready = this.durableWaiters.filter((w) => w.target <= through);
    this.durableWaiters = this.durableWaiters.filter((w) => w.target > through);
    for (const { resolve } of ready) resolve();
  }

  /** Starts a new segment with only the open starts, then drops the old one. */
  private async rotate(): Promise<void> {
    const lines = [...this.open.values()];
    const next = await StartJournal.createSegment(this.dir, this.segment + 1, lines);
    await this.handle.close();
    await unlink(join(this.dir, `starts-${this.segment}.jsonl`));
    this.handle = next;
    this.segment++;
    this.segmentSize = lines.reduce((total, line) => total + line.length + 1, 0);
    this.commits++;
  }

  async close(): Promise<void> {
    await this.durable();
    this.closed = true;
    clearTimeout(this.timer);
    await this.handle.close();
  }
}
