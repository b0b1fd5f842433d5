/** Runs the `scribe` command as users do (a child process), collecting its exit code and output. */
import { spawn } from 'node:child_process';

const scribe = new URL('../../src/cli/scribe.mjs', import.meta.url).pathname;

export function runScribe(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  // The audit cache directory of the test run (tests/run.mjs) goes along, so that the user's own is not filled.
  const caches = process.env.SCRIBE_AUDIT_CACHE_DIR ? { SCRIBE_AUDIT_CACHE_DIR: process.env.SCRIBE_AUDIT_CACHE_DIR } : {};
  const proc = spawn(process.execPath, [scribe, ...args], { env: { PATH: process.env.PATH ?? '', ...caches, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => proc.on('close', (code) => resolve({ code, stdout, stderr })));
}
