/**
 * Audit benchmark (not a test): what an auditor's commands cost on stores of an organisation's
 * size, each command a process of its own as an auditor runs it, timed with its peak RSS.
 *
 *   node --import tsx bench/audit.bench.ts [--sizes 100k,1m] [--gcs] [--baseline <dir of an older checkout>]
 *
 * Stores are built once (bench/audit/synthetic-store.ts) under SCRIBE_BENCH_STORES (default
 * bench/.stores) at 50k exchanges a day from 100 people on 3 replicas, 2-3 exchanges a batch.
 * Needs GNU time (/usr/bin/time, Debian package `time`). Writes bench/results/audit-<sizes>.json
 * and prints a Markdown table.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildSyntheticStore } from './audit/synthetic-store.ts';

const here = resolve(new URL('.', import.meta.url).pathname);
const root = resolve(here, '..');
const { values } = parseArgs({ options: { sizes: { type: 'string', default: '100k,1m' }, gcs: { type: 'boolean' }, baseline: { type: 'string' } } });
const storesDir = process.env.SCRIBE_BENCH_STORES ?? join(here, '.stores');
const END = Date.UTC(2026, 10, 29);
const DAY = 86_400_000;
const PER_DAY = 50_000;

interface Measured {
  store: string;
  command: string;
  ms: number;
  /** CPU time of the command's process: steadier than wall time on a shared machine. */
  cpuMs: number;
  maxRssMiB: number;
  code: number;
  note?: string;
}

const results: Measured[] = [];

/**
 * Runs `scribe` as an auditor would (the checkout's own src/cli/scribe.mjs, a process of its
 * own) under GNU time for its peak RSS and CPU time.
 */
async function scribe(label: string, store: string, args: string[], options: { root?: string; env?: Record<string, string>; note?: string } = {}): Promise<Measured> {
  const started = performance.now();
  const child = spawn('/usr/bin/time', ['-f', 'BENCH %M %U %S', process.execPath, join(options.root ?? root, 'src/cli/scribe.mjs'), ...args], {
    cwd: root,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number>((done) => child.on('close', (c) => done(c ?? 1)));
  const wall = performance.now() - started;
  const [, rssKiB, user, system] = /BENCH (\d+) ([\d.]+) ([\d.]+)/.exec(stderr) ?? [];
  const measured: Measured = {
    store,
    command: label,
    ms: Math.round(wall),
    cpuMs: Math.round((Number(user) + Number(system)) * 1000),
    maxRssMiB: Math.round(Number(rssKiB) / 1024),
    code,
    ...(options.note ? { note: options.note } : {}),
  };
  if (code !== 0) measured.note = `${options.note ?? ''} exit ${code}: ${stderr.trim().split('\n').filter((l) => !l.startsWith('BENCH')).slice(-1)[0] ?? ''}`.trim();
  results.push(measured);
  process.stderr.write(`${store}  ${label}: ${measured.ms} ms (CPU ${measured.cpuMs} ms), ${measured.maxRssMiB} MiB${measured.note ? ` (${measured.note})` : ''}\n`);
  return measured;
}

async function ensureStore(size: number, name: string): Promise<string> {
  const dir = join(storesDir, name);
  if (!existsSync(join(dir, 'segments'))) {
    process.stderr.write(`building the ${name} store (${size} exchanges) in ${dir}...\n`);
    await buildSyntheticStore(dir, { exchanges: size, days: Math.max(1, Math.round(size / PER_DAY)), endMs: END, users: 100, writers: 3, turns: 30 }, (done) =>
      process.stderr.write(`  ${done} exchanges\n`),
    );
  }
  return dir;
}

/** A command's JSON output (to pick a session and an exchange to measure with). */
async function jsonOf(args: string[]): Promise<unknown> {
  const child = spawn(process.execPath, [join(root, 'src/cli/scribe.mjs'), ...args, '--json'], { stdio: ['ignore', 'pipe', 'ignore'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  await new Promise((done) => child.on('close', done));
  return JSON.parse(out) as unknown;
}

async function startGcs(dir: string): Promise<{ url: string; stop: () => void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'audit/gcs-preloaded.ts'), dir, 'bench/org'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((done) => child.stdout.once('data', (d: Buffer) => done(d.toString().trim())));
  return { url, stop: () => child.kill() };
}

const dayArgs = ['--since', new Date(END - DAY).toISOString(), '--until', new Date(END - 1).toISOString()];

for (const size of values.sizes.split(',')) {
  const count = size.endsWith('m') ? Number(size.slice(0, -1)) * 1e6 : Number(size.replace(/k$/, '')) * 1e3;
  const dir = await ensureStore(count, `s${size}`);
  const user = 'dev007@example.com';
  const store = `file:${dir}`;
  const caches = await mkdtemp(join(tmpdir(), 'audit-bench-cache-'));
  const cache = join(caches, 'warm.sqlite');
  const with_ = (...args: string[]) => [...args, '--store', store, '--cache', cache];
  await scribe('sessions list, one day, cold cache', size, with_('sessions', 'list', ...dayArgs));
  await scribe('sessions list, one day, warm cache', size, with_('sessions', 'list', ...dayArgs));
  await scribe('index the whole store into the cache (cold)', size, with_('index', '--cache-only'));
  await scribe('sessions list --subject, 30 days, warm', size, with_('sessions', 'list', '--subject', user, '--since', '30d'));
  const sessions = (await jsonOf(with_('sessions', 'list', '--subject', user, '--sort', 'exchanges', '--limit', '1'))) as { items: { session: string; exchanges: number }[] };
  const session = sessions.items[0]?.session as string;
  await scribe(`sessions show (${sessions.items[0]?.exchanges} turns), warm`, size, with_('sessions', 'show', session));
  const exchange = ((await jsonOf(with_('sessions', 'show', session))) as { id: string }[])[12]?.id as string;
  await scribe('replay one exchange --no-pace, warm', size, with_('replay', exchange, '--no-pace'));
  await scribe('replay one exchange --no-pace, cold cache', size, ['replay', exchange, '--no-pace', '--store', store, '--cache', join(caches, 'cold-replay.sqlite')]);
  const hour = ['--since', new Date(END - 3_600_000).toISOString(), '--until', new Date(END - 1).toISOString()];
  await scribe('sessions list --text, one hour, warm', size, with_('sessions', 'list', '--text', 'failing test', ...hour));
  if (count <= 100_000) {
    const verify = await scribe('verify, whole store', size, ['verify', '--store', store]);
    verify.note = `${((verify.ms / count) * 10_000 / 1000).toFixed(1)} s per 10k exchanges`;
  } else {
    await scribe('verify, one day (--since/--until)', size, ['verify', '--store', store, ...dayArgs]);
  }
  if (values.baseline) {
    await scribe('baseline: sessions list, one day', size, ['sessions', 'list', ...dayArgs, '--store', store], { root: values.baseline, note: 'before this change' });
  }
  if (values.gcs) {
    const gcs = await startGcs(dir);
    const gstore = 'gs://bench/org';
    const env = { SCRIBE_GCS_ENDPOINT: gcs.url };
    await scribe('GCS: sessions list, one day, cold cache', size, ['sessions', 'list', ...dayArgs, '--store', gstore, '--cache', join(caches, 'gcs.sqlite')], { env });
    await scribe('GCS: sessions list, one day, warm cache', size, ['sessions', 'list', ...dayArgs, '--store', gstore, '--cache', join(caches, 'gcs.sqlite')], { env });
    if (count <= 100_000) {
      const verify = await scribe('GCS: verify, whole store', size, ['verify', '--store', gstore], { env });
      verify.note = `${((verify.ms / count) * 10_000 / 1000).toFixed(1)} s per 10k exchanges`;
    }
    gcs.stop();
  }
}

await mkdir(join(here, 'results'), { recursive: true });
const load = (await readFile('/proc/loadavg', 'utf8').catch(() => '?')).split(' ').slice(0, 3).join(' ');
await writeFile(join(here, `results/audit-${values.sizes.replace(/,/g, '-')}.json`), `${JSON.stringify({ at: new Date().toISOString(), load, results }, null, 2)}\n`);
process.stdout.write(`| store | command | time | CPU | peak RSS | note |\n|---|---|---|---|---|---|\n`);
for (const r of results) process.stdout.write(`| ${r.store} | ${r.command} | ${(r.ms / 1000).toFixed(2)} s | ${(r.cpuMs / 1000).toFixed(2)} s | ${r.maxRssMiB} MiB | ${r.note ?? ''} |\n`);
process.stdout.write(`\nload average at the end: ${load}\n`);
