/**
 * Progress on stderr for commands that read a store: silent for the first second (quick
 * answers stay clean), then a line that updates in place on a terminal, or a line every few
 * seconds when stderr is a file or a pipe.
 */
import type { Progress } from '../audit/types.ts';

const words: Record<Progress['phase'], string> = {
  list: 'listing batch files',
  index: 'reading indexes',
  sum: 'summing sessions by hour',
  read: 'reading batches',
  verify: 'verifying batches',
};

export function stderrProgress(command: string): { report: (progress: Progress) => void; done: () => void } {
  const started = Date.now();
  const tty = process.stderr.isTTY === true;
  let last = 0;
  let shown = false;
  return {
    report(progress) {
      const now = Date.now();
      if (now - started < 1000 || now - last < (tty ? 100 : 3000)) return;
      last = now;
      shown = true;
      const count = progress.total !== undefined ? `${progress.done.toLocaleString('en-US')}/${progress.total.toLocaleString('en-US')}` : progress.done.toLocaleString('en-US');
      const line = `scribe ${command}: ${words[progress.phase]} ${count} (${((now - started) / 1000).toFixed(0)} s)`;
      process.stderr.write(tty ? `\r${line}\x1b[K` : `${line}\n`);
    },
    done() {
      if (shown && tty) process.stderr.write('\r\x1b[K');
    },
  };
}
