/**
 * Re-streams a recorded response as the client received it: the same SSE bytes, at the
 * original pace (or faster, or all at once).
 */
import { rebuildEvents, type ReplayEvent } from '../record/stream-form.ts';
import type { ExchangeRecord } from '../record/record.ts';
import { decodeBody } from '../record/body-form.ts';

export interface PaceOptions {
  /** 2 plays twice as fast. */
  speed?: number;
  /** false writes everything at once. */
  pace?: boolean;
  /** Injected clock and sleep (tests); default the real ones. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

const noContext = {
  conversation: async () => [] as unknown[],
  definition: () => undefined,
};

/** The response's pieces with their times; empty when the exchange got no response. */
export async function responseEvents(record: ExchangeRecord): Promise<ReplayEvent[]> {
  const response = record.response;
  if (!response) return [];
  if (response.stream) return rebuildEvents(response.stream, response.message);
  if (response.body) {
    const text = new TextDecoder().decode(await decodeBody(response.body, noContext));
    return [{ ms: record.time.ttfbMs ?? 0, text }];
  }
  return [];
}

/** Yields the response's bytes, each piece when it arrived (relative to the first). */
export async function* restream(record: ExchangeRecord, options: PaceOptions = {}): AsyncGenerator<string> {
  const speed = options.speed ?? 1;
  const pace = options.pace ?? true;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? Date.now;
  const events = await responseEvents(record);
  const started = now();
  const origin = events[0]?.ms ?? 0;
  for (const event of events) {
    if (pace) {
      const due = (event.ms - origin) / speed - (now() - started);
      if (due > 0) await sleep(due);
    }
    yield event.text;
  }
}
