/**
 * The in-flight journal: exchanges still streaming after a second or so are written to the
 * spool directory as they go (one append-only file each), so that if the process dies the next
 * start can record them as far as they got. Appends are not fsynced: they survive the process
 * being killed (the kernel holds the data), though not a power cut. Redaction findings are
 * never journaled: their originals must not reach disk.
 */
import { appendFile, mkdir, readdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';

export class InflightJournal {
  private readonly dir: string;

  constructor(spoolDir: string) {
    this.dir = join(spoolDir, 'inflight');
  }

  private path(id: string): string {
    return join(this.dir, `${encodeURIComponent(id)}.jsonl`);
  }

  async append(id: string, lines: readonly string[]): Promise<void> {
    if (lines.length === 0) return;
    await mkdir(this.dir, { recursive: true });
    await appendFile(this.path(id), lines.map((line) => `${line}\n`).join(''));
  }

  async remove(id: string): Promise<void> {
    await unlink(this.path(id)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  }

  /** Every journal an earlier run left behind: exchange id and lines. */
  async leftovers(): Promise<{ id: string; lines: string[] }[]> {
    let files: string[];
    try {
      files = await readdir(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const out: { id: string; lines: string[] }[] = [];
    for (const file of files.filter((f) => f.endsWith('.jsonl'))) {
      const text = await readFile(join(this.dir, file), 'utf8');
      out.push({ id: decodeURIComponent(file.slice(0, -'.jsonl'.length)), lines: text.split('\n').filter((l) => l !== '') });
    }
    return out;
  }
}
