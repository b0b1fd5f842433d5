/**
 * What the image does, done outside a container (no container engine can fetch a base image
 * here): `npm ci --omit=dev` into a clean directory holding only what the Dockerfile copies,
 * then the Dockerfile's own CMD with its ENV, which must start and serve a stream without any
 * dev dependency present.
 *
 * Install scripts are skipped here: the one native build (better-sqlite3, for the audit index)
 * compiles SQLite from source for minutes on this machine, and `scribe serve` never loads it.
 * The image build runs them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, access } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { startUpstream } from '../support/upstream.ts';

const root = resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

/** The runtime stage's ENV and CMD, read from the Dockerfile itself. */
async function imageEntry(): Promise<{ env: Record<string, string>; command: string[] }> {
  const dockerfile = await readFile(join(root, 'deploy/Dockerfile'), 'utf8');
  const runtimeStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
  const env: Record<string, string> = {};
  const envBlock = /\nENV ((?:[^\n]*\\\n)*[^\n]*)/.exec(runtimeStage)?.[1] ?? '';
  for (const [, name, value] of envBlock.matchAll(/([A-Z_]+)=(\S+)/g)) env[name as string] = value as string;
  const command = JSON.parse(/\nCMD (\[.*\])/.exec(runtimeStage)![1]!) as string[];
  return { env, command };
}

test('the production install runs the image\'s entry command and serves a stream', { timeout: 300_000 }, async (t) => {
  const app = await mkdtemp(join(tmpdir(), 'scribe-image-'));
  for (const path of ['package.json', 'package-lock.json', 'src']) await cp(join(root, path), join(app, path), { recursive: true });
  await run('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: app, maxBuffer: 16 * 1024 * 1024 });
  // No dev tool came along: the image holds neither the compiler nor the test tools.
  for (const devOnly of ['typescript', '@anthropic-ai/sdk', 'kubernetes-models']) {
    await assert.rejects(access(join(app, 'node_modules', devOnly)), `${devOnly} was installed`);
  }

  const upstream = await startUpstream();
  t.after(() => upstream.close());
  const { env, command } = await imageEntry();
  assert.deepEqual(command, ['node', 'src/cli/scribe.mjs', 'serve']);
  const state = await mkdtemp(join(tmpdir(), 'scribe-image-state-'));
  const child = spawn(process.execPath, command.slice(1), {
    cwd: app,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      ...env,
      // What the deployment sets; the image's host and port stay, but on loopback for the test.
      SCRIBE_HOST: '127.0.0.1',
      PORT: '0',
      SCRIBE_DATA_DIR: state,
      SCRIBE_SPOOL_DIR: join(state, 'spool'),
      SCRIBE_STORE: `file:${join(state, 'sessions')}`,
      SCRIBE_UPSTREAM_URL: upstream.url,
      ANTHROPIC_API_KEY: upstream.apiKey,
      TMPDIR: join(state, 'tmp'),
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise<number | null>((resolveExit) => child.once('close', resolveExit));
  t.after(async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
  });
  let stderr = '';
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`did not start:\n${stderr}`)), 60_000);
    child.stderr!.on('data', (data: Buffer) => {
      stderr += data.toString();
      const match = /listening on (http:\/\/\S+)/.exec(stderr);
      if (match) {
        clearTimeout(timer);
        resolveUrl(match[1]!);
      }
    });
    void exited.then((code) => reject(new Error(`exited with ${code}:\n${stderr}`)));
  });

  const token = (await run(process.execPath, ['src/cli/scribe.mjs', 'dev-token'], { cwd: app, env: { PATH: process.env.PATH ?? '', SCRIBE_DATA_DIR: state } })).stdout.trim();
  upstream.next({ reply: { blocks: [{ type: 'text', text: 'served from the production install' }] } });
  const response = await fetch(`${url}/v1/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'claude-sonnet-5-5', max_tokens: 32, stream: true, messages: [{ role: 'user', content: 'hi' }] }),
  });
  assert.equal(response.status, 200);
  const body = await response.text();
  assert.match(body, /event: message_stop/);
  assert.equal([...body.matchAll(/"text":"([^"]*)"/g)].map((m) => m[1]).join(''), 'served from the production install');
  assert.equal((await fetch(`${url}/readyz`)).status, 200);
  child.kill('SIGTERM');
  assert.equal(await exited, 0, stderr);
});
