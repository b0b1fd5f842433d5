// Finds when the simulator sent the event a client just received, by what the event is
// (type, content block index, and how many of that kind came before), not by its position.

import { eventKey, type EventSchedule } from '../simulator/scenario.ts';

export class EventMatcher {
  private readonly seen = new Map<string, number>();

  constructor(private readonly schedule: EventSchedule) {}

  /**
   * Scheduled offset of this event, or undefined for events the simulator never sends (a
   * proxy's own error or metadata events). Surplus events of a known kind, such as a masker's
   * extra delta carrying held-back text, are matched to the last event of that kind: that is
   * when their text left the upstream.
   */
  offsetOf(type: string, index: number): number | undefined {
    const kind = `${type}/${index}`;
    const count = this.schedule.counts[kind];
    if (count === undefined) return undefined;
    const ordinal = this.seen.get(kind) ?? 0;
    this.seen.set(kind, ordinal + 1);
    return this.schedule.offsetsMs[eventKey(type, index, Math.min(ordinal, count - 1))];
  }
}

/** The `event:` name and content block `index` of one SSE event's text (-1 when none). */
export function describeEvent(text: string): { type: string; index: number } {
  let type = 'message';
  const start = text.indexOf('event:');
  if (start >= 0) {
    const end = text.indexOf('\n', start);
    type = text.slice(start + 6, end < 0 ? undefined : end).trim();
  }
  let index = -1;
  const at = text.indexOf('"index":');
  if (at >= 0) index = Number.parseInt(text.slice(at + 8, at + 20), 10);
  return { type, index: Number.isNaN(index) ? -1 : index };
}
