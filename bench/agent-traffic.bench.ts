/**
 * Sustained agent traffic through a real gateway (not a test):
 *
 *   node --import tsx bench/agent-traffic.bench.ts [--seconds=60] [--rate=400] [--sessions=24]
 *        [--baseline=<checkout>] [--worker=0|1] [--cpu-prof=<dir>]
 *
 * Scribe on Node (`scribe serve`, masking and recording on, file store) in front of an upstream
 * that answers each call with that turn's own answer, so the next request's history holds
 * exactly what the gateway relayed. Claude Code-shaped sessions (requests of 65-210 KB that
 * resend the system prompt, the tools and the growing history, 30 turns each, every session
 * new content) are sent by `--sessions` concurrent agents, paced to `--rate` calls a second
 * overall, for `--seconds`. Every second /healthz is read (exchanges still to be recorded,
 * exchanges served unrecorded). At the end the gateway is stopped with SIGTERM and every
 * exchange id it answered with is looked up in the store.
 *
 * What it shows: whether recording keeps up with what one gateway serves, for minutes, not
 * a fraction of a second, and that nothing served is missing from the store. Writes
 * bench/results/agent-traffic.json and prints a summary.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, mkdir, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { decodeBatch } from '../src/record/batch-file.ts';
import { agentSession, claudeCodeProfile } from '../tests/record/agent-session.ts';
import { sseEvents } from '../tests/record/fixtures.ts';
import { cpuSeconds } from './runner/process-stats.ts';
import { scribeTarget } from './targets/scribe.ts';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const seconds = Number(args.get('seconds') ?? 60);
const rate = Number(args.get('rate') ?? 400);
const agents = Number(args.get('sessions') ?? 24);
const baseline = args.get('baseline');
if (args.has('worker')) process.env.SCRIBE_RECORD_WORKER = args.get('worker');
const TURNS = 30;
const progress = (line: string): boolean => process.stderr.write(`${line}\n`);

/** Each call names its session and turn; the upstream answers with that turn's answer. */
const answers = new Map<string, string[]>();

const upstream = createServer((req: IncomingMessage, res: ServerResponse) => {
  req.resume();
  req.once('end', () => {
    const events = answers.get(String(req.headers['x-bench-turn']));
    if (!events) {
      res.writeHead(400, { 'content-type': 'application/json' }).end('{"type":"error","error":{"type":"invalid_request_error","message":"unknown turn"}}');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'request-id': `req_${req.headers['x-bench-turn']}` });
    for (const event of events) res.write(event);
    res.end();
  });
});
await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
const upstreamUrl = `http://127.0.0.1:${(upstream.address() as { port: number }).port}`;

const workDir = await mkdtemp(join(tmpdir(), 'scribe-agent-traffic-'));
const root = baseline ?? process.cwd();
const cpuProfileDir = args.get('cpu-prof');
const target = await scribeTarget('node', 'on', baseline).start({ simulatorUrl: upstreamUrl, workDir, repoRoot: root, ...(cpuProfileDir ? { cpuProfileDir } : {}) });
const gatewayPid = target.pid!;
progress(`agent traffic: gateway ${baseline ? `from ${baseline} ` : ''}pid ${gatewayPid}, ${agents} agents, ${rate}/s for ${seconds} s${process.env.SCRIBE_RECORD_WORKER ? `, SCRIBE_RECORD_WORKER=${process.env.SCRIBE_RECORD_WORKER}` : ''}`);

const dispatcher = new Agent({ connections: agents * 2, keepAliveTimeout: 30_000, headersTimeout: 0, bodyTimeout: 0 });
const served = new Set<string>();
let failed = 0;
let sessionsStarted = 0;
let requestBytes = 0;
const started = performance.now();
const endAt = started + seconds * 1000;
let nextSlot = started;

/** Waits for the next of `rate` slots a second; false once the run is over. */
async function slot(): Promise<boolean> {
  const at = nextSlot;
  nextSlot += 1000 / rate;
  if (at >= endAt) return false;
  const wait = at - performance.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  return true;
}

async function agentLoop(): Promise<void> {
  for (;;) {
    const variant = sessionsStarted++;
    const session = `bench-${variant}`;
    // Each session is new content (its own tool results and answers), as real sessions are.
    const turns = agentSession(TURNS, session, claudeCodeProfile, `Task ${variant}: fix the failing test and explain the cause.`, variant + 1);
    for (let turn = 0; turn < turns.length; turn++) {
      if (!(await slot())) return;
      const key = `${variant}/${turn}`;
      answers.set(key, sseEvents(turns[turn]!.answer, { id: `msg_${variant}_${turn}`, inputTokens: 1000 + turn, outputTokens: 50 }));
      const body = JSON.stringify(turns[turn]!.body);
      requestBytes += body.length;
      try {
        const res = await request(target.endpoint.url, {
          method: 'POST',
          dispatcher,
          headers: { ...target.endpoint.headers, 'x-claude-code-session-id': session, 'x-bench-turn': key },
          body,
        });
        for await (const _ of res.body) {
          // read to the end, as a client does
        }
        const id = res.headers['x-scribe-exchange-id'];
        if (res.statusCode === 200 && typeof id === 'string') served.add(id);
        else failed++;
      } catch {
        failed++;
      }
      answers.delete(key);
    }
  }
}

interface HealthSample {
  at: number;
  served: number;
  toBuild: number;
  unrecorded: number;
  state: string;
}
const health: HealthSample[] = [];
async function readHealth(): Promise<HealthSample> {
  const base = new URL(target.endpoint.url).origin;
  const body = (await (await fetch(`${base}/healthz`)).json()) as { recording: string; toBuild?: number; unrecorded?: number };
  return { at: Math.round(performance.now() - started), served: served.size, toBuild: body.toBuild ?? -1, unrecorded: body.unrecorded ?? -1, state: body.recording };
}
const cpuAtStart = { all: cpuSeconds([gatewayPid]), main: mainThreadCpu(gatewayPid) };
const poller = setInterval(() => {
  void readHealth().then((sample) => {
    health.push(sample);
    progress(`  ${(sample.at / 1000).toFixed(0).padStart(3)} s: served ${sample.served}, to record ${sample.toBuild}, unrecorded ${sample.unrecorded} (${sample.state})`);
  }, () => {});
}, 1000);

await Promise.all(Array.from({ length: agents }, () => agentLoop()));
const servingSeconds = (performance.now() - started) / 1000;
const cpu = { all: cpuSeconds([gatewayPid]) - cpuAtStart.all, main: mainThreadCpu(gatewayPid) - cpuAtStart.main };
clearInterval(poller);

// The backlog after the last call: how long recording takes to catch up.
const drainStart = performance.now();
let last = await readHealth();
while (last.toBuild > 0 && performance.now() - drainStart < 120_000) {
  await new Promise((resolve) => setTimeout(resolve, 100));
  last = await readHealth();
}
const drainMs = performance.now() - drainStart;
progress(`agent traffic: ${served.size} served in ${servingSeconds.toFixed(1)} s, ${failed} failed; backlog recorded ${drainMs.toFixed(0)} ms after the last call; stopping the gateway`);
await target.stop();
await dispatcher.close();
upstream.close();

const stored = await storedIds(join(workDir, 'store', 'batches'));
const spooled = await storedIds(join(workDir, 'spool'));
const missing = [...served].filter((id) => !stored.has(id) && !spooled.has(id));
const notServed = [...stored, ...spooled].filter((id) => !served.has(id));
if (notServed.length > 0) progress(`agent traffic: ${notServed.length} record(s) of exchanges the agents did not see answered, e.g. ${notServed[0]}`);
const maxToBuild = Math.max(0, ...health.map((h) => h.toBuild));
const result = {
  at: new Date().toISOString(),
  load: loadavg().map((l) => Number(l.toFixed(2))),
  checkout: baseline ?? 'this',
  recordWorker: process.env.SCRIBE_RECORD_WORKER ?? 'default',
  agents,
  offeredPerSecond: rate,
  seconds,
  served: served.size,
  servedPerSecond: Number((served.size / servingSeconds).toFixed(1)),
  failed,
  meanRequestKB: Number((requestBytes / Math.max(1, served.size + failed) / 1024).toFixed(1)),
  unrecorded: last.unrecorded,
  maxToRecord: maxToBuild,
  backlogRecordedMs: Math.round(drainMs),
  recordsInStore: stored.size,
  recordsLeftInSpool: spooled.size,
  servedButNotStored: missing.length,
  storedButNotServed: notServed.length,
  gatewayCpuSecondsPerCall: { all: Number((cpu.all / Math.max(1, served.size)).toFixed(5)), mainThread: Number((cpu.main / Math.max(1, served.size)).toFixed(5)) },
  gatewayCpuShare: { all: Number((cpu.all / servingSeconds).toFixed(2)), mainThread: Number((cpu.main / servingSeconds).toFixed(2)) },
  health,
};
await mkdir('bench/results', { recursive: true });
await writeFile('bench/results/agent-traffic.json', `${JSON.stringify(result, null, 2)}\n`);
const { health: _, ...summary } = result;
console.log(JSON.stringify(summary, null, 2));
process.exitCode = missing.length === 0 && result.unrecorded === 0 ? 0 : 1;

/** CPU seconds of the gateway's main thread (the one serving requests). */
function mainThreadCpu(pid: number): number {
  try {
    const text = readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8');
    return Number(text.split(' ')[0]) / 1e9;
  } catch {
    return 0;
  }
}

/** Ids of the records in every batch file under a directory (the spool holds batch files only). */
async function storedIds(dir: string): Promise<Set<string>> {
  const ids = new Set<string>();
  const files = await readdir(dir, { recursive: true }).catch(() => [] as string[]);
  for (const file of files) {
    if (!file.endsWith('.ndjson.gz')) continue;
    const { lines } = await decodeBatch(new Uint8Array(await readFile(join(dir, file))));
    for (const line of lines) ids.add((JSON.parse(line) as { id: string }).id);
  }
  return ids;
}
