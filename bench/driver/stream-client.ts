// One streamed Messages call, timed on the client side with raw node:http.
//
// Kept deliberately cheap (no SSE parser, no JSON.parse): the driver shares two cores with
// the proxy and the simulator, and every cycle it spends shows up as latency. Events end at a
// blank line; all events completed by one chunk share its arrival time. When a schedule is
// given, each event's name and block index are read from its first line and `"index":`, to
// match it with the time the simulator sent it; otherwise events are only counted.

import http from 'node:http';
import type { EventSchedule } from '../simulator/scenario.ts';
import { describeEvent, EventMatcher } from './event-matcher.ts';
import type { StreamSample, TargetEndpoint } from './protocol.ts';

const NEWLINE = 0x0a;

export interface StreamOptions {
  endpoint: TargetEndpoint;
  url: URL;
  agent: http.Agent;
  body: Buffer;
  /** When each event left the simulator; without it, events are counted, not timed. */
  schedule: EventSchedule | undefined;
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
    // The first event's lag carries the request path (the proxy's time to first byte); every
    // later event's lag is counted from it, so per-event figures measure the relay alone.
    let firstLag: number | undefined;
    let settled = false;
    // With a schedule, a stream only counts as complete if it reached message_stop.
    let complete = !o.schedule;

    const done = (error?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const sample: StreamSample = {
        ok: !error && status === 200 && events > 0 && complete,
        status,
        ttfbMs: round3(ttfb),
        totalMs: round3(performance.now() - start),
        events,
        eventLagsMs: lags,
        maxGapMs: round3(maxGap),
      };
      if (error) sample.error = error;
      else if (!complete && status === 200) sample.error = `stream ended after ${events} events without message_stop`;
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
        const matcher = o.schedule ? new EventMatcher(o.schedule) : undefined;
        // The unfinished tail of the last event, when it is being timed (events are small).
        let partial = '';
        res.on('data', (chunk: Buffer) => {
          const now = performance.now() - start;
          if (ttfb < 0) ttfb = now;
          const before = events;
          if (matcher) {
            const text = partial + chunk.toString('latin1');
            let from = 0;
            for (;;) {
              const at = text.indexOf('\n\n', from);
              if (at < 0) break;
              const { type, index } = describeEvent(text.slice(from, at));
              const scheduled = matcher.offsetOf(type, index);
              if (scheduled !== undefined) {
                if (firstLag === undefined) firstLag = now - scheduled;
                else lags.push(round3(now - scheduled - firstLag));
              }
              if (type === 'message_stop') complete = true;
              events++;
              from = at + 2;
            }
            partial = text.slice(from);
          } else {
            let from = 0;
            if (lastByteWasNewline && chunk[0] === NEWLINE) {
              events++;
              from = 1;
            }
            for (;;) {
              const at = chunk.indexOf('\n\n', from);
              if (at < 0) break;
              events++;
              from = at + 2;
            }
            lastByteWasNewline = chunk[chunk.length - 1] === NEWLINE;
          }
          if (events === before) return;
          if (lastEventAt >= 0 && now - lastEventAt > maxGap) maxGap = now - lastEventAt;
          lastEventAt = now;
          if (before === 0) o.onFirstEvent?.();
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
