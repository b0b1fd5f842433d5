// Scribe itself, on each runtime, with masking and recording both off or both on, and on Node
// with recording alone (what recording costs, apart from masking).
// Entry points and environment follow the interface contract in /work/shared/DESIGN.md.

import { execFile } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, isRunning, startProcess, waitForHttp } from '../runner/managed-process.ts';
import { anthropicHeaders, type TargetDefinition } from './target.ts';

const run = promisify(execFile);

export type ScribeRuntime = 'node' | 'bun' | 'deno';
export type ScribeFeatures = 'off' | 'on' | 'record';

const CLI = 'src/cli/scribe.mjs';

function entryFor(runtime: ScribeRuntime): string {
  return runtime === 'node' ? CLI : `src/runtime/${runtime}.ts`;
}

function command(runtime: ScribeRuntime, root: string, cpuProfileDir?: string): { bin: string; args: string[] } {
  // The runtimes' own binaries, not their npm wrappers: the measured pid must be the server.
  if (runtime === 'bun') return { bin: join(root, 'node_modules/bun/bin/bun.exe'), args: [join(root, entryFor('bun'))] };
  if (runtime === 'deno') return { bin: join(root, 'node_modules/deno/deno'), args: ['run', '-A', join(root, entryFor('deno'))] };
  const profile = cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`] : [];
  return { bin: process.execPath, args: [...profile, join(root, CLI), 'serve'] };
}

function binaryFor(runtime: ScribeRuntime, root: string): string {
  return command(runtime, root).bin;
}

/** Gets a caller token from the local development issuer; none before identity exists. */
async function devToken(root: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  try {
    const { stdout } = await run(process.execPath, [join(root, CLI), 'dev-token'], { cwd: root, env, timeout: 20_000 });
    const token = stdout.trim().split('\n').pop()?.trim();
    return token && /^[\w-]+\.[\w-]+\.[\w-]*$/.test(token) ? token : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `baseline` runs another checkout of Scribe (SCRIBE_BENCH_BASELINE=<dir>, e.g. an export of
 * main) as its own target, so a change is measured against what it replaces in the same run.
 */
export function scribeTarget(runtime: ScribeRuntime, features: ScribeFeatures, baseline?: string): TargetDefinition {
  const id = `scribe-${runtime}-${features}${baseline ? '-baseline' : ''}`;
  const label = features === 'record' ? `Scribe ${runtime}, record only` : `Scribe ${runtime}, mask+record ${features}`;
  return {
    id,
    label: baseline ? `${label} (baseline)` : label,
    unavailableReason: (repoRoot) => {
      const root = baseline ?? repoRoot;
      if (!existsSync(join(root, entryFor(runtime)))) return `${entryFor(runtime)} does not exist yet`;
      if (runtime !== 'node' && !existsSync(join(root, CLI))) return `${CLI} (dev-token) does not exist yet`;
      if (!existsSync(binaryFor(runtime, root))) return `${runtime} binary missing (npm ci)`;
      return undefined;
    },
    start: async (ctx) => {
      const dir = ctx.workDir;
      for (const sub of ['data', 'spool', 'store']) mkdirSync(join(dir, sub), { recursive: true });
      const port = await freePort();
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        PORT: String(port),
        SCRIBE_HOST: '127.0.0.1',
        SCRIBE_UPSTREAM_URL: ctx.simulatorUrl,
        ANTHROPIC_API_KEY: 'sk-ant-bench-upstream-dummy',
        SCRIBE_DATA_DIR: join(dir, 'data'),
        SCRIBE_SPOOL_DIR: join(dir, 'spool'),
        SCRIBE_STORE: `file:${join(dir, 'store')}`,
        SCRIBE_MASKING: features === 'on' ? 'on' : 'off',
        SCRIBE_RECORDING: features === 'off' ? 'off' : 'on',
        NODE_ENV: 'production',
        // Bun's fetch allows only 256 concurrent requests by default and queues the rest: a
        // gateway on Bun would stall its 257th open stream until one ends. Deployments need this
        // too; the benchmark sets it so Bun is measured as it should be run.
        ...(runtime === 'bun' ? { BUN_CONFIG_MAX_HTTP_REQUESTS: process.env.BUN_CONFIG_MAX_HTTP_REQUESTS ?? '16384' } : {}),
      };
      const logPath = join(dir, 'server.log');
      const root = baseline ?? ctx.repoRoot;
      const { bin, args } = command(runtime, root, ctx.cpuProfileDir);
      const proc = startProcess(id, bin, args, { env, cwd: root, logPath });
      await waitForHttp(`http://127.0.0.1:${port}/healthz`, 30_000, () => isRunning(proc));
      const token = await devToken(root, env);
      const headers: Record<string, string> = { ...anthropicHeaders() };
      // Callers hold a Scribe token, not the upstream key.
      delete headers['x-api-key'];
      headers.authorization = `Bearer ${token ?? 'no-dev-token-available'}`;
      return {
        endpoint: { url: `http://127.0.0.1:${port}/v1/messages`, headers },
        pid: proc.pid,
        logPath,
        stop: () => proc.stop(5000),
      };
    },
  };
}
