// A Claude Messages API upstream simulator: answers POST /v1/messages with a faithful SSE
// stream (message_start, content_block_start/delta/stop, ping, message_delta, message_stop),
// paced by the active scenario. The benchmark runner switches scenarios between phases through
// POST /_sim/scenario, so the proxies under test never need restarting.
//
// Run alone: node --import tsx bench/simulator/server.ts [--port 0] [--scenario '<json>']
// It prints one JSON line {"listening":<port>} on stdout once ready.

import http from 'node:http';
import { pathToFileURL } from 'node:url';
import { buildStreamScript, realisticScenario, type Scenario, type StreamScript } from './scenario.ts';

export interface SimulatorStats {
  requests: number;
  completed: number;
  aborted: number;
  open: number;
}

export interface Simulator {
  port: number;
  url: string;
  stats: SimulatorStats;
  setScenario(s: Scenario): void;
  close(): Promise<void>;
}

const RESPONSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  'request-id': 'req_bench000000000000000000',
  'anthropic-organization-id': '00000000-0000-0000-0000-000000000000',
};

export function startSimulator(options: { port?: number; scenario?: Scenario } = {}): Promise<Simulator> {
  let script: StreamScript = buildStreamScript(options.scenario ?? realisticScenario);
  const stats: SimulatorStats = { requests: 0, completed: 0, aborted: 0, open: 0 };

  const streamMessages = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    stats.requests++;
    stats.open++;
    // The schedule is anchored to the request's arrival; every emission targets an absolute
    // time, so timer lateness never accumulates along a stream.
    const start = performance.now();
    const current = script;
    let next = 0;
    let timer: NodeJS.Timeout | undefined;
    let finished = false;

    const finish = (aborted: boolean): void => {
      if (finished) return;
      finished = true;
      stats.open--;
      if (aborted) stats.aborted++;
      else stats.completed++;
      if (timer) clearTimeout(timer);
    };

    const pump = (): void => {
      timer = undefined;
      if (finished) return;
      // One emission per turn of the event loop, as a real upstream writes each event on its
      // own: a proxy under test sees (mostly) one chunk per event even when events are due
      // back to back (unpaced scenarios, or a timer that fired late).
      const emission = current.emissions[next++]!;
      if (!res.headersSent) res.writeHead(200, RESPONSE_HEADERS);
      res.write(emission.text);
      if (next >= current.emissions.length) {
        res.end();
        finish(false);
        return;
      }
      scheduleNext();
    };
    const scheduleNext = (): void => {
      const wait = current.emissions[next]!.atMs - (performance.now() - start);
      if (wait <= 0.5) setImmediate(pump);
      else timer = setTimeout(pump, wait);
    };

    res.on('close', () => finish(!res.writableFinished));
    // Drain the request body before answering, as the real API does.
    req.on('data', () => undefined);
    req.on('end', scheduleNext);
  };

  const readJson = (req: http.IncomingMessage): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        } catch (err) {
          reject(err as Error);
        }
      });
      req.on('error', reject);
    });

  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'POST' && (path === '/v1/messages' || path === '/messages')) return streamMessages(req, res);
    if (req.method === 'POST' && path === '/_sim/scenario') {
      readJson(req).then(
        (body) => {
          script = buildStreamScript(body as Scenario);
          res.writeHead(204).end();
        },
        () => res.writeHead(400).end(),
      );
      return;
    }
    if (req.method === 'GET' && path === '/_sim/stats') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(stats));
      return;
    }
    if (req.method === 'GET' && path === '/healthz') {
      res.writeHead(200).end('ok');
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ type: 'error', error: { type: 'not_found_error', message: `no route ${req.method} ${path}` } }));
  });
  // Many concurrent long-lived streams from one proxy: never let Node time them out.
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 130_000;
  server.requestTimeout = 0;

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      resolve({
        port,
        url: `http://127.0.0.1:${port}`,
        stats,
        setScenario: (s) => {
          script = buildStreamScript(s);
        },
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const scenarioArg = argValue('--scenario');
  const sim = await startSimulator({
    port: Number(argValue('--port') ?? 0),
    scenario: scenarioArg ? (JSON.parse(scenarioArg) as Scenario) : realisticScenario,
  });
  process.stdout.write(JSON.stringify({ listening: sim.port }) + '\n');
  // The runner owns our lifetime: stop when it disconnects or tells us to.
  const stop = (): void => void sim.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('disconnect', stop);
}
