// The load driver: a process of its own (so its CPU is not the proxy's), taking jobs from the
// benchmark runner over IPC and answering with client-side timings.
//
// Run by the runner as: node --import tsx bench/driver/driver.ts (with an IPC channel).

import http from 'node:http';
import type { BatchJob, DriverJob, DriverMessage, HoldJob, ReleaseMessage, SaturateJob, StreamSample } from './protocol.ts';
import { runStream } from './stream-client.ts';

if (!process.send) {
  process.stderr.write('driver.ts is started by bench/run.ts (it needs an IPC channel)\n');
  process.exit(2);
}

const send = (m: DriverMessage): void => {
  process.send?.(m);
};

// One keep-alive agent per target URL and concurrency, reused across rounds, as an SDK client
// would reuse its connections. Idle sockets are dropped after 4 s, before any server's own
// keep-alive timeout (Node's default is 5 s, which Portkey keeps): otherwise a round can pick
// a socket the server is closing at that moment and fail with ECONNRESET.
const IDLE_SOCKET_MS = 4000;
const agents = new Map<string, http.Agent>();
function agentFor(url: string, concurrency: number): http.Agent {
  const key = `${url}#${concurrency}`;
  let agent = agents.get(key);
  if (!agent) {
    agent = new http.Agent({
      keepAlive: true,
      maxSockets: concurrency,
      maxFreeSockets: concurrency,
      timeout: IDLE_SOCKET_MS,
    });
    agents.set(key, agent);
  }
  return agent;
}

async function runBatch(job: BatchJob): Promise<void> {
  const url = new URL(job.endpoint.url);
  const agent = agentFor(job.endpoint.url, job.concurrency);
  const body = Buffer.from(job.body);
  const samples: StreamSample[] = [];
  const start = performance.now();
  const slot = async (_: unknown, index: number): Promise<void> => {
    const delay = (index / job.concurrency) * job.staggerMs;
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    for (let i = 0; i < job.streamsPerSlot; i++) {
      samples.push(
        await runStream({ endpoint: job.endpoint, url, agent, body, schedule: job.schedule, timeoutMs: job.timeoutMs }),
      );
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, slot));
  send({ kind: 'batch', id: job.id, samples, elapsedMs: performance.now() - start });
}

async function runSaturate(job: SaturateJob): Promise<void> {
  const url = new URL(job.endpoint.url);
  const agent = agentFor(job.endpoint.url, job.concurrency);
  const body = Buffer.from(job.body);
  const start = performance.now();
  const deadline = start + job.durationMs;
  let streams = 0;
  let events = 0;
  let errors = 0;
  let firstError: string | undefined;
  const slot = async (): Promise<void> => {
    // Bounded by the deadline; each stream is bounded by its own timeout.
    while (performance.now() < deadline) {
      const s = await runStream({ endpoint: job.endpoint, url, agent, body, schedule: undefined, timeoutMs: job.timeoutMs });
      if (s.ok) {
        streams++;
        events += s.events;
      } else {
        errors++;
        firstError ??= s.error ?? `HTTP ${s.status}`;
        // Do not spin on a target that fails instantly.
        await new Promise((r) => setTimeout(r, 10));
      }
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, slot));
  const result: DriverMessage = { kind: 'saturate', id: job.id, streams, events, errors, elapsedMs: performance.now() - start };
  if (firstError) result.firstError = firstError;
  send(result);
}

const releases = new Map<number, () => void>();

async function runHold(job: HoldJob): Promise<void> {
  const url = new URL(job.endpoint.url);
  // A fresh agent: connections must be opened for this measurement, not borrowed.
  const agent = new http.Agent({ keepAlive: false, maxSockets: job.concurrency });
  const body = Buffer.from(job.body);
  const requests: http.ClientRequest[] = [];
  let open = 0;
  let errors = 0;
  let firstError: string | undefined;
  let reported = false;
  const report = (): void => {
    if (reported || open + errors < job.concurrency) return;
    reported = true;
    const m: DriverMessage = { kind: 'holding', id: job.id, open, errors };
    if (firstError) m.firstError = firstError;
    send(m);
  };
  const released = new Promise<void>((resolve) => releases.set(job.id, resolve));
  const streams = Array.from({ length: job.concurrency }, () =>
    runStream({
      endpoint: job.endpoint,
      url,
      agent,
      body,
      schedule: undefined,
      timeoutMs: job.timeoutMs,
      onFirstEvent: () => {
        open++;
        report();
      },
      register: (req) => requests.push(req),
    }).then((s) => {
      if (!s.ok && s.events === 0) {
        errors++;
        firstError ??= s.error ?? `HTTP ${s.status}`;
        report();
      }
    }),
  );
  await released;
  for (const req of requests) req.destroy();
  await Promise.all(streams);
  agent.destroy();
  send({ kind: 'hold', id: job.id, open });
}

process.on('message', (raw: DriverJob | ReleaseMessage) => {
  if (raw.kind === 'release') {
    releases.get(raw.id)?.();
    releases.delete(raw.id);
    return;
  }
  const run = raw.kind === 'batch' ? runBatch(raw) : raw.kind === 'saturate' ? runSaturate(raw) : runHold(raw);
  run.catch((err: Error) => send({ kind: 'failed', id: raw.id, message: err.stack ?? err.message }));
});

// The runner owns our lifetime.
process.on('disconnect', () => process.exit(0));
