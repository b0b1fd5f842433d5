/** The file sink: batch files under a directory, written create-only and fsynced. */
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { access, link, mkdir, open, readdir, readFile, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ListRange, Sink } from './sink.ts';
import { describeStoreError, StoreAccessError } from './store-errors.ts';

export async function writeDurably(path: string, bytes: Uint8Array): Promise<void> {
  const handle = await open(path, 'w');
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export async function syncDirectory(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } catch {
    // Some platforms cannot fsync a directory; the rename is still atomic there.
  } finally {
    await handle.close();
  }
}

/** Whether no name under `dir` (a store-relative path) can fall in the range. */
function outside(dir: string, range: ListRange): boolean {
  if (dir === '') return false;
  return (range.startOffset !== undefined && `${dir}/\uffff` < range.startOffset) || (range.endOffset !== undefined && `${dir}/` >= range.endOffset);
}

/** Lists `dir` (absolute) whose store-relative name is `name` ('' for the root). */
async function walk(dir: string, name: string, out: string[], range: ListRange = {}): Promise<void> {
  if (outside(name, range)) return;
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  for (const entry of entries) {
    // Joined, not concatenated: V8 keeps a concatenation as a two-part string, about 30 bytes
    // more for each of a large store's hundreds of thousands of names.
    const child = name === '' ? entry.name : [name, entry.name].join('/');
    if (entry.isDirectory()) await walk(join(dir, entry.name), child, out, range);
    else if (!entry.name.startsWith('.tmp-')) out.push(child);
  }
}

export class FileSink implements Sink {
  readonly root: string;

  constructor(readonly url: string) {
    this.root = url.slice('file:'.length).replace(/^\/\/(?=\/)/, '');
  }

  async create(name: string, bytes: Uint8Array): Promise<'created' | 'exists'> {
    const path = join(this.root, name);
    await mkdir(dirname(path), { recursive: true });
    const temp = join(dirname(path), `.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`);
    await writeDurably(temp, bytes);
    try {
      // link() fails if the name exists: create-only, and the file appears complete or not at all.
      await link(temp, path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return 'exists';
      throw error;
    } finally {
      await unlink(temp).catch(() => {});
    }
    await syncDirectory(dirname(path));
    return 'created';
  }

  async holds(name: string, bytes: Uint8Array): Promise<boolean> {
    const stored = await readFile(join(this.root, name));
    const digest = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');
    return digest(stored) === digest(bytes);
  }

  async read(name: string): Promise<Uint8Array> {
    return new Uint8Array(await readFile(join(this.root, name)));
  }

  async probe(): Promise<void> {
    let info;
    try {
      info = await stat(this.root);
      await access(this.root, constants.R_OK | constants.X_OK);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new StoreAccessError(`no such store: ${this.url} (directory ${this.root} does not exist)`, 'missing');
      throw describeStoreError(error, this.url);
    }
    if (!info.isDirectory()) throw new StoreAccessError(`not a store: ${this.url} (${this.root} is not a directory)`, 'invalid');
  }

  async list(prefix: string, range: ListRange = {}): Promise<string[]> {
    const names: string[] = [];
    const base = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
    await walk(join(this.root, base), base, names, range);
    return names
      .filter((n) => n.startsWith(prefix))
      .filter((n) => (range.startOffset === undefined || n >= range.startOffset) && (range.endOffset === undefined || n < range.endOffset))
      .sort();
  }
}
