/**
 * A small chart of a session's tokens over time: one mark per exchange at the moment it
 * started, input tokens above the axis and output tokens below, each scaled to its own
 * largest value. Plain SVG attributes (no inline styles), so the strict CSP holds.
 */
import { html } from 'hono/html';
import type { ExchangeView } from '../../audit/types.ts';
import { count, duration } from '../display.ts';
import type { Html } from './layout.ts';

const WIDTH = 600;
const HALF = 40;
const PAD = 4;

export function timeline(exchanges: readonly ExchangeView[]): Html {
  if (exchanges.length === 0) return html``;
  const first = exchanges[0]!.summary.start;
  const span = Math.max(1, Math.max(...exchanges.map((e) => e.summary.start + e.summary.durationMs)) - first);
  const maxIn = Math.max(1, ...exchanges.map((e) => e.summary.inputTokens));
  const maxOut = Math.max(1, ...exchanges.map((e) => e.summary.outputTokens));
  const barWidth = Math.max(2, Math.min(12, (WIDTH - 2 * PAD) / exchanges.length - 2));
  const x = (ms: number) => PAD + ((ms - first) / span) * (WIDTH - 2 * PAD - barWidth);
  const marks = exchanges.map((e, i) => {
    const left = x(e.summary.start).toFixed(1);
    const up = Math.max(1, (e.summary.inputTokens / maxIn) * (HALF - PAD));
    const down = Math.max(1, (e.summary.outputTokens / maxOut) * (HALF - PAD));
    const tip = `#${i + 1}: ${count(e.summary.inputTokens)} in, ${count(e.summary.outputTokens)} out, ${duration(e.summary.durationMs)}`;
    return html`<a href="#x-${e.summary.id}"><g><title>${tip}</title>
<rect class="in" x="${left}" y="${(HALF - up).toFixed(1)}" width="${barWidth}" height="${up.toFixed(1)}"></rect>
<rect class="out" x="${left}" y="${HALF + 1}" width="${barWidth}" height="${down.toFixed(1)}"></rect></g></a>`;
  });
  return html`<figure class="timeline">
<svg viewBox="0 0 ${WIDTH} ${2 * HALF + 2}" role="img" aria-label="Tokens per exchange over the session's ${duration(span)}">
<line class="axis" x1="0" x2="${WIDTH}" y1="${HALF + 0.5}" y2="${HALF + 0.5}"></line>
${marks}
</svg>
<figcaption><span class="key in"></span> input tokens (max ${count(maxIn)}) <span class="key out"></span> output tokens (max ${count(maxOut)}) over ${duration(span)}</figcaption>
</figure>`;
}
