/**
 * Metrics cost benchmark: `node --import tsx bench/metrics.bench.ts [--events 200000]`
 *
 * What the gateway adds per exchange for Prometheus, called as the gateway calls it (once per
 * exchange, after its stream ended, never per chunk): the call counter, the first-byte and
 * added-latency histograms and the token counters, over 3 connections x 4 models x 4
 * outcomes of label values; a refusal (counter plus denial); a redaction; and a scrape of the
 * resulting registry. Runs each in batches and reports the median and p99 per event in
 * microseconds of wall time, CPU time per event (what the event costs the process, unaffected
 * by other processes taking the core: the figure judged against the target on a shared
 * machine), and heap growth per event after a GC.
 *
 * Target: < 50 us (0.05 ms) CPU per event. Writes bench/results/metrics.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { loadavg } from 'node:os';
import { GatewayMetrics } from '../src/metrics/gateway-metrics.ts';
import { countFailedCall } from '../src/metrics/rejections.ts';
import { GatewayError } from '../src/http/errors.ts';

const { values } = parseArgs({ options: { events: { type: 'string', default: '200000' } } });
const events = Number(values.events);
const BATCH = 1000;

const connections = ['default', 'vertex', 'eu'];
const models = ['claude-sonnet-5-5', 'claude-haiku-4-5', 'claude-opus-4-1', 'unknown'];
const outcomes = ['complete', 'complete', 'client_aborted', 'upstream_error'];
const known = new Map(connections.map((name) => [name, true]));
const metrics = new GatewayMetrics();
metrics.watch({ openStreams: () => 3, recording: () => ({ spoolBytes: 1, spoolFiles: 1, unrecorded: 0, uploadFailures: 0, uploadRetries: 0 }) });
const limitHit = new GatewayError(429, 'rate_limit_error', 'limited');

type Event = (i: number) => void;
const scenarios: Record<string, Event> = {
  // Everything settle() books for one finished exchange.
  exchange(i) {
    const connection = connections[i % 3]!;
    metrics.callEnded({ connection, route: 'messages', status: 200, outcome: outcomes[i % 4]! });
    metrics.addedLatency(0.0004);
    metrics.firstByte(connection, 0.35);
    metrics.tokens(connection, models[i % 4]!, 1200, 350);
  },
  refusal(i) {
    countFailedCall(metrics, known, connections[i % 3]!, 'messages', limitHit);
  },
  redaction(i) {
    metrics.redaction(i % 2 ? 'github-pat' : 'aws-access-key-id');
  },
};

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

const gc = (globalThis as { gc?: () => void }).gc;
const results: Record<string, { p50us: number; p99us: number; cpuUsPerEvent: number; heapBytesPerEvent: number | null }> = {};
for (const [name, event] of Object.entries(scenarios)) {
  for (let i = 0; i < 20_000; i++) event(i); // warm-up: label children created, code optimised
  gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const perEvent: number[] = [];
  const cpuBefore = process.cpuUsage();
  for (let done = 0; done < events; done += BATCH) {
    const started = performance.now();
    for (let i = done; i < done + BATCH; i++) event(i);
    perEvent.push(((performance.now() - started) * 1000) / BATCH);
  }
  const cpu = process.cpuUsage(cpuBefore);
  gc?.();
  const heapAfter = process.memoryUsage().heapUsed;
  perEvent.sort((a, b) => a - b);
  results[name] = {
    p50us: Number(quantile(perEvent, 0.5).toFixed(3)),
    p99us: Number(quantile(perEvent, 0.99).toFixed(3)),
    cpuUsPerEvent: Number(((cpu.user + cpu.system) / events).toFixed(3)),
    heapBytesPerEvent: gc ? Number(((heapAfter - heapBefore) / events).toFixed(3)) : null,
  };
}

const scrapes: number[] = [];
for (let i = 0; i < 50; i++) {
  const started = performance.now();
  await metrics.registry.metrics();
  scrapes.push(performance.now() - started);
}
scrapes.sort((a, b) => a - b);

const report = {
  events,
  load: loadavg().map((l) => Number(l.toFixed(2))),
  perEvent: results,
  scrapeMs: { p50: Number(quantile(scrapes, 0.5).toFixed(3)), p99: Number(quantile(scrapes, 0.99).toFixed(3)) },
  targetUs: 50,
  met: Object.values(results).every((r) => r.cpuUsPerEvent < 50),
};
console.log('| event | wall p50 µs | wall p99 µs | CPU µs/event | heap bytes/event |');
console.log('|---|---|---|---|---|');
for (const [name, r] of Object.entries(results)) console.log(`| ${name} | ${r.p50us} | ${r.p99us} | ${r.cpuUsPerEvent} | ${r.heapBytesPerEvent ?? 'run with --expose-gc'} |`);
console.log(`\nscrape: p50 ${report.scrapeMs.p50} ms, p99 ${report.scrapeMs.p99} ms; load average ${report.load.join(' ')}; target < 50 µs CPU per event: ${report.met ? 'met' : 'NOT met'}`);
await mkdir('bench/results', { recursive: true });
await writeFile('bench/results/metrics.json', `${JSON.stringify(report, null, 2)}\n`);
