/** Where a part of a long session lies in it, and links to the parts before and after. */
import { html } from 'hono/html';
import type { SessionView } from '../../audit/types.ts';
import { count } from '../display.ts';
import type { Html } from './layout.ts';

export function sessionParts(session: SessionView, noun: string, size: number): Html {
  const total = session.summary.exchanges;
  if (session.from === 0 && session.exchanges.length >= total) return html``;
  const id = encodeURIComponent(session.summary.session);
  const first = session.from + 1;
  const last = session.from + session.exchanges.length;
  const link = (from: number, label: string) => html`<a class="button" href="/s/${id}${from > 0 ? `?from=${from}` : ''}">${label}</a>`;
  return html`<nav class="parts" aria-label="Parts of this session">
<span>${noun} ${count(first)}–${count(last)} of ${count(total)}</span>
${session.from > 0 ? link(Math.max(0, session.from - size), 'Earlier') : ''}
${last < total ? link(last, 'Later') : ''}
</nav>`;
}
