/**
 * The local spool: every batch is written and fsynced here before it is uploaded, and removed
 * only once the store has confirmed it. Beside the batches, the writer's state (its instance
 * id and the heads of its record and batch chains) survives restarts, so a restarted gateway
 * continues its chains instead of starting new ones.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeBatch, type BatchHead } from '../record/batch-file.ts';
import type { ChainHead } from '../record/chain.ts';
import { sha256Hex } from '../record/hash.ts';
import { parseBatchName, safeInstanceId } from './batch-names.ts';
import { syncDirectory, writeDurably } from './file-sink.ts';
import { SpoolLock } from './spool-lock.ts';

export interface WriterState {
  instance: string;
  batch: BatchHead;
  chain: ChainHead;
}

export interface PendingBatch {
  name: string;
  bytes: number;
}

/** Beside each spooled batch file: its index, uploaded after it. */
const INDEX_SUFFIX = '.idx';

const encodeName = (name: string) => name.replaceAll('/', '~');
const decodeName = (file: string) => file.replaceAll('~', '/');

function bySeq(a: string, b: string): number {
  const pa = parseBatchName(a);
  const pb = parseBatchName(b);
  if (pa && pb && pa.instance === pb.instance) return pa.seq - pb.seq;
  return a < b ? -1 : a > b ? 1 : 0;
}

export class Spool {
  private readonly pendingDir: string;
  private readonly sizes = new Map<string, number>();
  /** Batches stored but not yet released for upload. */
  private readonly held = new Map<string, number>();
  private state: WriterState;
  private lock: SpoolLock | undefined;

  private constructor(readonly dir: string, state: WriterState) {
    this.pendingDir = join(dir, 'pending');
    this.state = state;
  }

  /**
   * Opens (or creates) a spool, recovering the writer state from batches written after it.
   * Without an exact instanceId, the writer keeps the id saved in this spool, or gets a new
   * one: `namePrefix` (host or pod name) plus random digits, so writers that share a name
   * (processes on one host, a pod recreated with an empty spool) never share a chain.
   */
  static async open(dir: string, instanceId?: string, namePrefix?: string): Promise<Spool> {
    await mkdir(join(dir, 'pending'), { recursive: true });
    const lock = await SpoolLock.acquire(dir);
    const saved = await readFile(join(dir, 'state.json'), 'utf8').then((t) => JSON.parse(t) as WriterState, () => undefined);
    const prefix = namePrefix === undefined ? 'gw' : `${safeInstanceId(namePrefix)}_`;
    const keep = saved !== undefined && saved.instance.startsWith(prefix) ? saved.instance : undefined;
    const instance = safeInstanceId(instanceId ?? keep ?? `${prefix}${randomBytes(6).toString('hex')}`);
    const fresh: WriterState = { instance, batch: { seq: -1, name: null, sha256: null }, chain: { seq: -1, hash: null } };
    const spool = new Spool(dir, saved?.instance === instance ? saved : fresh);
    spool.lock = lock;
    await spool.scan().catch(async (error: unknown) => {
      await lock.release();
      throw error;
    });
    return spool;
  }

  private async scan(): Promise<void> {
    const files = await readdir(this.pendingDir);
    const present = new Set(files);
    for (const file of files) {
      const path = join(this.pendingDir, file);
      if (file.startsWith('.tmp-')) {
        await unlink(path).catch(() => {});
        continue;
      }
      if (file.endsWith(INDEX_SUFFIX)) {
        // A crash between writing an index and its batch leaves the index alone: the batch was
        // never spooled, so its index describes nothing.
        if (!present.has(file.slice(0, -INDEX_SUFFIX.length))) await unlink(path).catch(() => {});
        continue;
      }
      this.sizes.set(decodeName(file), (await stat(path)).size);
    }
    // A crash between writing a batch and saving the state leaves the batch ahead of the state.
    for (const name of [...this.sizes.keys()].sort(bySeq)) {
      const parsed = parseBatchName(name);
      if (!parsed || parsed.instance !== this.state.instance || parsed.seq <= this.state.batch.seq) continue;
      const bytes = await this.read(name);
      const { header } = await decodeBatch(bytes);
      this.state = {
        instance: this.state.instance,
        batch: { seq: header.seq, name, sha256: await sha256Hex(bytes) },
        chain: { seq: header.lastSeq, hash: header.lastRecord },
      };
    }
  }

  writerState(): WriterState {
    return structuredClone(this.state);
  }

  /** Bytes of batches not yet confirmed by the store. */
  pendingBytes(): number {
    let total = 0;
    for (const size of this.sizes.values()) total += size;
    for (const size of this.held.values()) total += size;
    return total;
  }

  /**
   * Durably stores a batch and the writer state that follows it, in that order. The batch is
   * offered for upload only on release(): the writer first clears the in-flight journals of its
   * records, so that a record is never both uploaded and left in a journal.
   */
  async put(name: string, bytes: Uint8Array, next: WriterState, index?: Uint8Array): Promise<void> {
    // The index goes first: a batch in the spool always has its index beside it (when it has one).
    if (index) {
      const indexTemp = join(this.pendingDir, `.tmp-${encodeName(name)}${INDEX_SUFFIX}`);
      await writeDurably(indexTemp, index);
      await rename(indexTemp, join(this.pendingDir, `${encodeName(name)}${INDEX_SUFFIX}`));
    }
    const temp = join(this.pendingDir, `.tmp-${encodeName(name)}`);
    await writeDurably(temp, bytes);
    await rename(temp, join(this.pendingDir, encodeName(name)));
    await syncDirectory(this.pendingDir);
    this.held.set(name, bytes.byteLength);
    const stateTemp = join(this.dir, '.tmp-state.json');
    await writeDurably(stateTemp, new TextEncoder().encode(JSON.stringify(next)));
    await rename(stateTemp, join(this.dir, 'state.json'));
    await syncDirectory(this.dir);
    this.state = structuredClone(next);
  }

  /** Offers a batch put() stored for upload. */
  release(name: string): void {
    const size = this.held.get(name);
    if (size === undefined) return;
    this.held.delete(name);
    this.sizes.set(name, size);
  }

  /** Batches waiting for upload, oldest first within each writer. */
  pending(): PendingBatch[] {
    return [...this.sizes.entries()].sort(([a], [b]) => bySeq(a, b)).map(([name, bytes]) => ({ name, bytes }));
  }

  async read(name: string): Promise<Uint8Array> {
    return new Uint8Array(await readFile(join(this.pendingDir, encodeName(name))));
  }

  /** Lets another process open this spool directory. */
  async close(): Promise<void> {
    await this.lock?.release();
  }

  /** The batch's index file, when the writer spooled one (spools of older versions did not). */
  async readIndex(name: string): Promise<Uint8Array | undefined> {
    return readFile(join(this.pendingDir, `${encodeName(name)}${INDEX_SUFFIX}`)).then(
      (bytes) => new Uint8Array(bytes),
      (error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return undefined;
        throw error;
      },
    );
  }

  /** Forgets a batch (and its index) the store has confirmed. */
  async remove(name: string): Promise<void> {
    for (const file of [encodeName(name), `${encodeName(name)}${INDEX_SUFFIX}`]) {
      await unlink(join(this.pendingDir, file)).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
      });
    }
    this.sizes.delete(name);
  }
}
