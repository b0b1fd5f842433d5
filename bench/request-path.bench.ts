/**
 * Request-path benchmark (not a test): `node --import tsx bench/request-path.bench.ts`
 *
 * What each stage of Scribe's request path costs on Node, timed alone, one call at a time and
 * 64 at once (a burst): token check, body read, policy, upstream connect and headers, first
 * chunk. The upstream stages are measured with both transports, Node's bundled fetch and
 * undici's request API over a keep-alive pool (what `scribe serve` uses on Node). The upstream
 * is the benchmark's simulator in its own process on loopback.
 *
 * Writes bench/results/request-path.json and prints a table (ms, p50 / p99).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { readBody } from '../src/http/body.ts';
import { identityConfigSchema, createAuthenticator } from '../src/identity/index.ts';
import { createPolicy, policyConfigSchema } from '../src/policy/index.ts';
import { callFacts } from '../src/proxy/call-facts.ts';
import { parseJsonBody } from '../src/proxy/json-body.ts';
import { nodeTransport } from '../src/runtime/node-transport.ts';
import { fetchTransport, type UpstreamTransport } from '../src/upstream/transport.ts';
import { buildRequestBody, realisticScenario } from './simulator/scenario.ts';
import { quantileSorted, sortedCopy } from './report/quantiles.ts';
import { HeaderList } from '../src/http/header-list.ts';

const ROUNDS = 200;
const BURST = 64;

const simulator = spawn(process.execPath, ['--import', 'tsx', 'bench/simulator/server.ts', '--port', '0', '--scenario', JSON.stringify({ ...realisticScenario, ttfbMs: 0, deltaSpacingMs: 0, thinkingDeltas: 0, textDeltas: 2, toolDeltas: 0 })], { stdio: ['ignore', 'pipe', 'inherit'] });
process.once('exit', () => simulator.kill());
const port = await new Promise<number>((resolve) => {
  createInterface({ input: simulator.stdout! }).once('line', (line) => resolve((JSON.parse(line) as { listening: number }).listening));
});
const upstreamUrl = `http://127.0.0.1:${port}/v1/messages`;

try {
  const dataDir = await mkdtemp(join(os.tmpdir(), 'scribe-request-path-'));
  const { authenticator, devIssuer } = await createAuthenticator(identityConfigSchema.parse({}), { dataDir });
  const token = await devIssuer!.sign({ subject: 'bench@example.com', email: 'bench@example.com' });
  const policy = createPolicy(policyConfigSchema.parse({}));
  const bodyText = buildRequestBody(8 * 1024);
  const body = new TextEncoder().encode(bodyText);
  const identity = await authenticator.authenticate(new Headers({ authorization: `Bearer ${token}` }));

  const stages: Record<string, () => Promise<unknown>> = {
    'token check': () => authenticator.authenticate(new Headers({ authorization: `Bearer ${token}` })),
    'body read (8 KiB)': () => readBody(new Request('http://gateway/v1/messages', { method: 'POST', body, headers: { 'content-length': String(body.byteLength) } }), 32 * 1024 * 1024),
    policy: async () => {
      for (const facts of callFacts('default', '/v1/messages', parseJsonBody(body, 'application/json'))) policy.authorize(identity, facts);
    },
  };

  /** Upstream stages: time to the response headers, and to the first body chunk. */
  const upstream = async (transport: UpstreamTransport): Promise<{ headers: number; firstChunk: number }> => {
    const t0 = performance.now();
    const reply = await transport.send({ url: upstreamUrl, method: 'POST', headers: new HeaderList({ 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'accept-encoding': 'identity' }), body, signal: new AbortController().signal });
    const headers = performance.now() - t0;
    await reply.body!.read();
    const firstChunk = performance.now() - t0;
    while (!(await reply.body!.read()).done);
    return { headers, firstChunk };
  };

  const results: Record<string, Record<string, { p50: number; p99: number }>> = {};
  const summarise = (samples: number[]) => {
    const sorted = sortedCopy(samples);
    return { p50: Number(quantileSorted(sorted, 0.5).toFixed(3)), p99: Number(quantileSorted(sorted, 0.99).toFixed(3)) };
  };
  const timed = async (run: () => Promise<unknown>) => {
    const t0 = performance.now();
    await run();
    return performance.now() - t0;
  };
  for (const [name, run] of Object.entries(stages)) {
    for (let i = 0; i < 50; i++) await run();
    const one: number[] = [];
    for (let i = 0; i < ROUNDS; i++) one.push(await timed(run));
    const burst: number[] = [];
    for (let i = 0; i < 10; i++) burst.push(...(await Promise.all(Array.from({ length: BURST }, () => timed(run)))));
    results[name] = { 'c=1': summarise(one), [`burst ${BURST}`]: summarise(burst) };
  }
  const transports: [string, UpstreamTransport][] = [['fetch (Node bundled)', fetchTransport(fetch)], ['undici request, pooled', nodeTransport()]];
  for (const [label, transport] of transports) {
    for (let i = 0; i < 50; i++) await upstream(transport);
    const one = [];
    for (let i = 0; i < ROUNDS; i++) one.push(await upstream(transport));
    const burst = [];
    for (let i = 0; i < 10; i++) burst.push(...(await Promise.all(Array.from({ length: BURST }, () => upstream(transport)))));
    results[`upstream headers, ${label}`] = { 'c=1': summarise(one.map((s) => s.headers)), [`burst ${BURST}`]: summarise(burst.map((s) => s.headers)) };
    results[`first chunk, ${label}`] = { 'c=1': summarise(one.map((s) => s.firstChunk)), [`burst ${BURST}`]: summarise(burst.map((s) => s.firstChunk)) };
  }
  const load = os.loadavg().map((n) => n.toFixed(2)).join(', ');
  await mkdir(new URL('./results/', import.meta.url), { recursive: true });
  await writeFile(new URL('./results/request-path.json', import.meta.url), `${JSON.stringify({ stages: results, node: process.version, loadAverage: load, date: new Date().toISOString() }, null, 2)}\n`);
  console.log(`stage                                        c=1 p50 / p99      burst ${BURST} p50 / p99   (ms; load average ${load})`);
  for (const [name, r] of Object.entries(results)) {
    const cell = (q: { p50: number; p99: number }) => `${q.p50.toFixed(3)} / ${q.p99.toFixed(3)}`.padEnd(20);
    console.log(`${name.padEnd(44)} ${cell(r['c=1']!)} ${cell(r[`burst ${BURST}`]!)}`);
  }
  process.exit(0);
} finally {
  simulator.kill();
}
