// One streamed Messages call, timed on the client side with raw node:http.
//
// Kept deliberately cheap (no SSE parsing, no JSON): the driver shares two cores with the
// proxy and the simulator, and every cycle it spends shows up as latency. Events are counted
// by their blank-line terminators; all events completed by one chunk share its arrival time.

import http from 'node:http';
import type { StreamSample, TargetEndpoint } from './protocol.ts';

const NEWLINE = 0x0a;

export interface StreamOptions {
  endpoint: TargetEndpoint;
  url: URL;
  agent: http.Agent;
  body: Buffer;
  eventOffsetsMs: number[];
  timeoutMs: number;
  /** Called once when the first event has fully arrived (used to hold streams open). */
  onFirstEvent?: () => void;
  /** Lets the caller abort the stream (hold jobs). */
  register?: (req: http.ClientRequest) => void;
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}

export function runStream(o: StreamOptions): Promise<StreamSample> {
  return new Promise((resolve) => {
    const start = performance.now();
    let ttfb = -1;
    let events = 0;
    let lastByteWasNewline = false;
    let lastEventAt = -1;
    let maxGap = 0;
    let status = 0;
    const lags: number[] = [];
    let settled = false;

    const done = (error?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const sample: StreamSample = {
        ok: !error && status === 200 && events > 0,
        status,
        ttfbMs: round3(ttfb),
        totalMs: round3(performance.now() - start),
        events,
        eventLagsMs: lags,
        maxGapMs: round3(maxGap),
      };
      if (error) sample.error = error;
      resolve(sample);
    };

    const req = http.request(
      o.url,
      { method: 'POST', agent: o.agent, headers: { ...o.endpoint.headers, 'content-length': String(o.body.length) } },
      (res) => {
        status = res.statusCode ?? 0;
        if (status !== 200) {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.length < 4 && chunks.push(c));
          res.on('end', () => done(`HTTP ${status}: ${Buffer.concat(chunks).toString('utf8').slice(0, 300)}`));
          return;
        }
        res.on('data', (chunk: Buffer) => {
          const now = performance.now() - start;
          if (ttfb < 0) ttfb = now;
          let found = 0;
          let from = 0;
          if (lastByteWasNewline && chunk[0] === NEWLINE) {
            found++;
            from = 1;
          }
          for (;;) {
            const at = chunk.indexOf('\n\n', from);
            if (at < 0) break;
            found++;
            from = at + 2;
          }
          lastByteWasNewline = chunk[chunk.length - 1] === NEWLINE;
          if (found === 0) return;
          if (lastEventAt >= 0 && now - lastEventAt > maxGap) maxGap = now - lastEventAt;
          lastEventAt = now;
          for (let i = 0; i < found; i++) {
            const scheduled = o.eventOffsetsMs[events];
            if (scheduled !== undefined) lags.push(round3(now - scheduled));
            events++;
          }
          if (events === found) o.onFirstEvent?.();
        });
        res.on('end', () => done());
        res.on('error', (err) => done(err.message));
        res.on('aborted', () => done('response aborted'));
      },
    );
    const timer = setTimeout(() => {
      req.destroy(new Error(`timed out after ${o.timeoutMs} ms`));
    }, o.timeoutMs);
    req.on('error', (err) => done(err.message));
    req.on('close', () => done(settled ? undefined : 'connection closed'));
    o.register?.(req);
    req.end(o.body);
  });
}
