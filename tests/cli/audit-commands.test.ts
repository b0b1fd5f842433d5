/** The auditor's commands: filters, empty answers said in words, and one clear line for a bad store. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cp, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { tempDir } from '../record/store-helpers.ts';
import { writeAuditStore, type AuditFixture } from '../audit/store-fixture.ts';

const scribe = new URL('../../src/cli/scribe.mjs', import.meta.url).pathname;
let fixture: AuditFixture;
let env: Record<string, string>;

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const proc = spawn(process.execPath, [scribe, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => proc.on('close', (code) => resolve({ code, stdout, stderr })));
}

before(async () => {
  fixture = await writeAuditStore();
  env = { SCRIBE_STORE: fixture.store, SCRIBE_AUDIT_CACHE_DIR: await tempDir('cli-cache') };
});

test('sessions list filters by subject and prints a table with findings', async () => {
  const { code, stdout } = await run(['sessions', 'list', '--subject', 'alice*']);
  assert.equal(code, 0);
  const lines = stdout.trim().split('\n');
  assert.match(lines[0] ?? '', /^SESSION\s+WHO\s+EXCHANGES/);
  assert.deepEqual(lines.slice(1).map((l) => l.split(/\s+/)[0]), ['sess-alice-new', 'sess-alice-old']);
});

test('a filter that matches nothing says so', async () => {
  const { code, stdout, stderr } = await run(['sessions', 'list', '--subject', 'nobody']);
  assert.equal(code, 0);
  assert.equal(stdout, '');
  assert.match(stderr, /no sessions match in file:/);
});

test('sessions list --json pages with a cursor', async () => {
  const first = JSON.parse((await run(['sessions', 'list', '--limit', '2', '--json'])).stdout) as { items: { session: string }[]; next?: string };
  assert.equal(first.items.length, 2);
  assert.ok(first.next);
  const second = JSON.parse((await run(['sessions', 'list', '--limit', '2', '--json', '--cursor', first.next])).stdout) as { items: { session: string }[]; next?: string };
  assert.deepEqual(second.items.map((s) => s.session), ['sess-alice-old']);
  assert.equal(second.next, undefined);
});

test('replay --request of one exchange prints the request exactly as forwarded', async () => {
  const id = fixture.sessions.get('sess-alice-new')?.[3] as string;
  const { code, stdout } = await run(['replay', id, '--request']);
  assert.equal(code, 0);
  assert.equal(stdout, new TextDecoder().decode(fixture.bodies.get(id)));
});

test('verify of a missing store, an empty one, and a typo of a bucket: one line each, non-zero', async () => {
  const missing = await run(['verify', '--store', 'file:/tmp/scribe-does-not-exist']);
  assert.equal(missing.code, 1);
  assert.equal(missing.stdout, '');
  assert.match(missing.stderr, /^scribe verify: no such store: file:\/tmp\/scribe-does-not-exist \(directory .* does not exist\)\n$/);
  const empty = await run(['verify', '--store', `file:${await tempDir('verify-empty')}`]);
  assert.equal(empty.code, 1);
  assert.match(empty.stdout, /the store holds no batch files/);
  const sessions = await run(['sessions', 'list', '--store', 'file:/tmp/scribe-does-not-exist']);
  assert.equal(sessions.code, 1);
  assert.doesNotMatch(sessions.stderr, /\n\s+at /);
});

test('verify --json reports writers, and a window checks the link into it', async () => {
  const whole = await run(['verify', '--json']);
  assert.equal(whole.code, 0, whole.stdout);
  const report = JSON.parse(whole.stdout) as { ok: boolean; records: number; writers: { instance: string; records: number }[] };
  assert.equal(report.ok, true);
  assert.equal(report.records, 12);
  assert.deepEqual(report.writers.map((w) => [w.instance, w.records]), [['gw_a', 9], ['gw_b', 3]]);

  const dir = await tempDir('verify-window');
  await cp(fixture.store.slice('file:'.length), dir, { recursive: true });
  const window = await run(['verify', '--store', `file:${dir}`, '--since', '2h', '--json']);
  assert.equal(JSON.parse(window.stdout).records, 5, window.stdout);
  assert.equal(window.code, 0);
  // The window's first batch names a predecessor two days older: removing it is caught.
  const old = JSON.parse((await run(['sessions', 'show', 'sess-alice-old', '--store', `file:${dir}`, '--json'])).stdout) as { id: string }[];
  assert.equal(old.length, 4);
  const batches = JSON.parse((await run(['verify', '--store', `file:${dir}`, '--json'])).stdout) as { writers: unknown[] };
  assert.equal(batches.writers.length, 2);
  const { listBatches } = await import('../../src/store/reader.ts');
  const { openSink } = await import('../../src/store/sink.ts');
  const names = (await listBatches(await openSink(`file:${dir}`))).filter((n) => n.includes('-gw_a-')).sort((a, b) => a.slice(-24).localeCompare(b.slice(-24)));
  await unlink(join(dir, names[3] as string));
  const broken = await run(['verify', '--store', `file:${dir}`, '--since', '2h']);
  assert.equal(broken.code, 1);
  assert.match(broken.stdout, /predecessor .* \(before the window\) is missing/);
});
