/**
 * One process per spool directory. Two writers on one spool would interleave their chains and
 * upload each other's batches, so the spool is locked by a file created exclusively (O_EXCL),
 * holding the owner's pid and host. A lock left by a process that died on this host (its pid
 * is gone) is taken over; a live holder, or one on another host, is refused with its name.
 */
import { hostname } from 'node:os';
import { open, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';

interface Holder {
  pid: number;
  host: string;
  since: string;
}

/** Spool directories this process holds: a pid equal to ours in a lock we do not hold is a leftover. */
const heldHere = new Set<string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class SpoolLockedError extends Error {
  constructor(dir: string, holder: Holder | undefined, file: string) {
    const who = holder ? `process ${holder.pid} on ${holder.host} (since ${holder.since})` : 'another process (its lock file is unreadable)';
    super(`spool directory ${dir} is in use by ${who}: two gateways must not share a spool directory; give each its own SCRIBE_SPOOL_DIR (if that process is gone, delete ${file})`);
    this.name = 'SpoolLockedError';
  }
}

export class SpoolLock {
  private constructor(private readonly file: string) {}

  static async acquire(dir: string): Promise<SpoolLock> {
    const file = join(dir, 'lock');
    const me: Holder = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
    for (let attempt = 0; ; attempt++) {
      try {
        const handle = await open(file, 'wx', 0o644);
        try {
          await handle.writeFile(`${JSON.stringify(me)}\n`);
          await handle.sync();
        } finally {
          await handle.close();
        }
        heldHere.add(file);
        return new SpoolLock(file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = await readFile(file, 'utf8').then((text) => JSON.parse(text) as Holder, () => undefined);
      const stale = holder !== undefined && holder.host === me.host && (holder.pid === process.pid ? !heldHere.has(file) : !alive(holder.pid));
      if (!stale || attempt > 0) throw new SpoolLockedError(dir, holder, file);
      await unlink(file).catch(() => {});
    }
  }

  async release(): Promise<void> {
    if (!heldHere.delete(this.file)) return;
    await unlink(this.file).catch(() => {});
  }
}
