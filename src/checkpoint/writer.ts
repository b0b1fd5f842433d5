/**
 * Signs each writer's chain head once the store has confirmed its batches: at most one
 * interval (a minute by default) after a batch is stored, and once more at a clean shutdown
 * (final). Each checkpoint goes to the store create-only, optionally to a mirror store, and
 * to the log as one line. The last checkpoint of each writer survives restarts in a state
 * file beside the spool, written before the checkpoint is stored, so a crash between the two
 * re-stores the same checkpoint at the next start instead of forking the checkpoint chain.
 */
import { readFile, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { decodeBatch } from '../record/batch-file.ts';
import { sha256Hex } from '../record/hash.ts';
import { parseBatchName } from '../store/batch-names.ts';
import { syncDirectory, writeDurably } from '../store/file-sink.ts';
import type { Sink } from '../store/sink.ts';
import { CHECKPOINT_VERSION, checkpointName, signCheckpoint, type CheckpointBody } from './checkpoint.ts';
import type { SigningKey } from './signing-key.ts';

/** A writer's head once the store holds its batch `seq`. */
export interface CoveredHead {
  instance: string;
  seq: number;
  name: string;
  sha256: string;
  records: number;
  lastRecordAt: string;
}

export interface CheckpointWriterOptions {
  key: SigningKey;
  sink: Sink;
  /** A second store that receives every checkpoint too (recording.checkpointMirror). */
  mirror?: Sink | undefined;
  stateFile: string;
  intervalMs: number;
  log: (message: string) => void;
  /** Every checkpoint once stored, for the log: a second destination kept apart from the store. */
  publish: (checkpoint: { name: string; jws: string }) => void;
}

interface LastCheckpoint {
  name: string;
  sha256: string;
  jws: string;
  atMs: number;
  head: CoveredHead;
}

/** A stored batch whose head is read only if it is still the newest when a checkpoint is due. */
type Source = CoveredHead | { instance: string; seq: number; name: string; bytes: Uint8Array };

/** The head a stored batch file makes. */
export async function headOfBatch(name: string, bytes: Uint8Array): Promise<CoveredHead> {
  const { header } = await decodeBatch(bytes);
  return { instance: header.instance, seq: header.seq, name, sha256: await sha256Hex(bytes), records: header.lastSeq + 1, lastRecordAt: header.to };
}

const RETRY_MS = 5_000;

export class CheckpointWriter {
  /** Per writer, the newest stored batch not yet in a checkpoint. */
  private readonly newest = new Map<string, Source>();
  private readonly last = new Map<string, LastCheckpoint & { stored: boolean }>();
  /** Writers that stored a batch in this run: they get a final checkpoint at close. */
  private readonly touched = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private writing: Promise<void> = Promise.resolve();
  private retryAt = 0;
  private closed = false;

  private constructor(private readonly options: CheckpointWriterOptions) {}

  static async open(options: CheckpointWriterOptions): Promise<CheckpointWriter> {
    const writer = new CheckpointWriter(options);
    const saved = await readFile(options.stateFile, 'utf8').then((text) => JSON.parse(text) as Record<string, LastCheckpoint>, (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return {};
      throw new Error(`cannot read the checkpoint state ${options.stateFile}: ${error.message}`);
    });
    // Not known to be stored: the process may have died between saving the state and storing.
    for (const [instance, last] of Object.entries(saved)) writer.last.set(instance, { ...last, stored: false });
    return writer;
  }

  /** The store now holds batch `head.seq` of `head.instance` (and, by its chain, every batch before it). */
  covered(head: CoveredHead): void {
    this.offer(head);
  }

  /** The same, from the batch file's name and bytes as the uploader stored them. */
  batchStored(name: string, bytes: Uint8Array): void {
    const parsed = parseBatchName(name);
    if (parsed) this.offer({ instance: parsed.instance, seq: parsed.seq, name, bytes });
  }

  private offer(source: Source): void {
    if (this.closed) return;
    const pending = this.newest.get(source.instance);
    const last = this.last.get(source.instance);
    if ((pending && pending.seq >= source.seq) || (last && last.head.seq >= source.seq)) return;
    this.newest.set(source.instance, source);
    this.touched.add(source.instance);
    this.schedule();
  }

  private schedule(): void {
    if (this.timer || this.closed || this.newest.size === 0) return;
    let due = Infinity;
    for (const instance of this.newest.keys()) {
      const last = this.last.get(instance);
      due = Math.min(due, last && !last.stored ? 0 : (last?.atMs ?? 0) + this.options.intervalMs);
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.writing = this.writing.then(() => this.writeDue());
    }, Math.max(0, due - Date.now(), this.retryAt - Date.now()));
    (this.timer as { unref?: () => void }).unref?.();
  }

  private async writeDue(): Promise<void> {
    for (const [instance, source] of [...this.newest]) {
      if (this.closed) return;
      try {
        const last = this.last.get(instance);
        if (last && !last.stored) await this.store(last);
        if ((last?.atMs ?? 0) + this.options.intervalMs > Date.now()) continue;
        await this.write(await resolve(source), false);
        if (this.newest.get(instance) === source) this.newest.delete(instance);
      } catch (error) {
        this.retryAt = Date.now() + RETRY_MS;
        this.options.log(`checkpoint of ${instance} not stored (will retry): ${(error as Error).message}`);
      }
    }
    this.schedule();
  }

  private async write(head: CoveredHead, final: boolean): Promise<void> {
    const prev = this.last.get(head.instance);
    if (prev && !prev.stored) await this.store(prev);
    const atMs = Math.max(Date.now(), (prev?.atMs ?? 0) + 1);
    const body: CheckpointBody = {
      v: CHECKPOINT_VERSION,
      instance: head.instance,
      batch: { seq: head.seq, name: head.name, sha256: head.sha256 },
      records: head.records,
      lastRecordAt: head.lastRecordAt,
      at: new Date(atMs).toISOString(),
      intervalMs: this.options.intervalMs,
      prev: prev ? { name: prev.name, sha256: prev.sha256 } : null,
      ...(final ? { final: true as const } : {}),
    };
    const jws = await signCheckpoint(body, this.options.key);
    const next = { name: checkpointName(head.instance, atMs, head.seq), sha256: await sha256Hex(jws), jws, atMs, head, stored: false };
    this.last.set(head.instance, next);
    await this.saveState();
    await this.store(next);
  }

  /** Stores a checkpoint create-only (again, after a restart: the same bytes are fine). */
  private async store(checkpoint: LastCheckpoint & { stored: boolean }): Promise<void> {
    const bytes = new TextEncoder().encode(checkpoint.jws);
    if ((await this.options.sink.create(checkpoint.name, bytes)) === 'exists' && !(await this.options.sink.holds(checkpoint.name, bytes))) {
      this.options.log(`checkpoint ${checkpoint.name}: the store already holds a different object under this name (is another gateway writing as ${checkpoint.head.instance}?)`);
    }
    checkpoint.stored = true;
    await this.options.mirror?.create(checkpoint.name, bytes).catch((error: Error) => this.options.log(`checkpoint ${checkpoint.name} not mirrored to ${this.options.mirror?.url}: ${error.message}`));
    this.options.publish({ name: checkpoint.name, jws: checkpoint.jws });
  }

  private async saveState(): Promise<void> {
    const state: Record<string, LastCheckpoint> = {};
    for (const [instance, { stored: _stored, ...last }] of this.last) state[instance] = last;
    const temp = join(dirname(this.options.stateFile), '.tmp-checkpoints.json');
    await writeDurably(temp, new TextEncoder().encode(JSON.stringify(state)));
    await rename(temp, this.options.stateFile);
    await syncDirectory(dirname(this.options.stateFile));
  }

  /** Signs the final checkpoint of every writer that stored batches in this run. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.writing;
    for (const instance of this.touched) {
      const source = this.newest.get(instance);
      const head = source ? await resolve(source) : this.last.get(instance)?.head;
      if (!head) continue;
      await this.write(head, true).catch((error: Error) => this.options.log(`final checkpoint of ${instance} not stored: ${error.message}`));
    }
  }
}

function resolve(source: Source): Promise<CoveredHead> | CoveredHead {
  return 'bytes' in source ? headOfBatch(source.name, source.bytes) : source;
}
