// Child processes the benchmark starts (simulator, proxies, driver), and the guarantee that
// none outlives the run: each child leads its own process group, so wrappers and workers
// (nginx workers, npx shims) die with it, on normal exit, on errors and on SIGINT/SIGTERM.

import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import net from 'node:net';

const running = new Set<ChildProcess>();

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

let hooksInstalled = false;
function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', () => {
    for (const child of running) killGroup(child, 'SIGKILL');
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      process.stderr.write(`\nbench: ${signal}, stopping child processes\n`);
      process.exit(130);
    });
  }
}

export interface ManagedProcess {
  name: string;
  child: ChildProcess;
  pid: number;
  logPath: string;
  /** SIGTERM the group, then SIGKILL after a grace period. */
  stop(graceMs?: number): Promise<void>;
}

export function startProcess(
  name: string,
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; logPath: string; ipc?: boolean },
): ManagedProcess {
  installExitHooks();
  const log: WriteStream = createWriteStream(options.logPath, { flags: 'a' });
  const stdio: StdioOptions = options.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'];
  const child = spawn(command, args, { env: options.env ?? process.env, cwd: options.cwd, stdio, detached: true });
  if (child.pid === undefined) throw new Error(`${name}: could not start ${command}`);
  running.add(child);
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  child.on('exit', () => {
    running.delete(child);
  });
  // A dead IPC channel must not crash the runner.
  child.on('error', () => undefined);
  const pid = child.pid;
  return {
    name,
    child,
    pid,
    logPath: options.logPath,
    stop: (graceMs = 2000) =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
        child.once('exit', () => {
          clearTimeout(timer);
          killGroup(child, 'SIGKILL'); // stragglers left in the group
          resolve();
        });
        killGroup(child, 'SIGTERM');
      }),
  };
}

/** A port that was free a moment ago on 127.0.0.1 (the child binds it right after). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Polls `url` until it answers (any HTTP status) or the deadline passes. */
export async function waitForHttp(url: string, timeoutMs: number, isAlive: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    if (!isAlive()) throw new Error(`process exited before ${url} answered`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await res.body?.cancel();
      return;
    } catch (err) {
      lastError = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms (${lastError})`);
}

export function isRunning(p: ManagedProcess): boolean {
  return p.child.exitCode === null && p.child.signalCode === null;
}
