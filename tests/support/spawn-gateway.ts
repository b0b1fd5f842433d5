/** Runs `scribe serve` as its own process on Node, Bun or Deno, the way users start it. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export type Runtime = 'node' | 'bun' | 'deno';

export interface SpawnedGateway {
  url: string;
  dataDir: string;
  child: ChildProcess;
  /** Everything the process wrote to stderr so far. */
  stderr(): string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

const root = resolve(import.meta.dirname, '../..');

export function runtimeCommand(runtime: Runtime): [string, string[]] {
  if (runtime === 'node') return [process.execPath, [join(root, 'src/cli/scribe.mjs'), 'serve']];
  if (runtime === 'bun') return [join(root, 'node_modules/.bin/bun'), [join(root, 'src/runtime/bun.ts')]];
  return [join(root, 'node_modules/.bin/deno'), ['run', '-A', '--quiet', join(root, 'src/runtime/deno.ts')]];
}

export async function spawnGateway(runtime: Runtime, env: Record<string, string>): Promise<SpawnedGateway> {
  const dataDir = await mkdtemp(join(tmpdir(), `scribe-${runtime}-`));
  const [command, args] = runtimeCommand(runtime);
  const child = spawn(command, args, {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? dataDir,
      PORT: '0',
      SCRIBE_DATA_DIR: dataDir,
      SCRIBE_STORE: `file:${join(dataDir, 'sessions')}`,
      SCRIBE_SPOOL_DIR: join(dataDir, 'spool'),
      DENO_NO_UPDATE_CHECK: '1',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const exited = new Promise<number | null>((resolveExit) => child.once('close', (code) => resolveExit(code)));
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`${runtime} gateway did not start:\n${stderr}`)), 30_000);
    child.stderr!.on('data', (data: Buffer) => {
      stderr += data.toString();
      const match = /listening on (http:\/\/\S+)/.exec(stderr);
      if (match) {
        clearTimeout(timer);
        resolveUrl(match[1] as string);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${runtime} gateway exited with ${code}:\n${stderr}`));
    });
  });
  return {
    url,
    dataDir,
    child,
    stderr: () => stderr,
    exited,
    stop(signal = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Runs `scribe <args>` to completion on Node. */
export function runScribe(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const [command, base] = runtimeCommand('node');
  return new Promise((resolveRun) => {
    const child = spawn(command, [base[0] as string, ...args], { cwd: root, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('close', (code) => resolveRun({ code, stdout, stderr }));
  });
}
