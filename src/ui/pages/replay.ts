/** The replay page: the answer streams in at its recorded pace; the player is in viewer.js. */
import { html } from 'hono/html';
import type { ExchangeView } from '../../audit/types.ts';
import { duration, shortId, when } from '../display.ts';
import type { Html } from './layout.ts';

export function replayPage(view: ExchangeView): Html {
  const { summary } = view;
  const id = encodeURIComponent(summary.id);
  return html`<h1>Replay <small title="${summary.id}">${shortId(summary.id)}</small></h1>
<p class="muted">${summary.email ?? summary.subject ?? '(unauthenticated)'} · ${when(summary.start)} · first byte after ${duration(summary.ttfbMs)}, ${duration(summary.durationMs)} in all</p>
<div class="player" data-events="/x/${id}/replay.json">
<div class="controls">
<button type="button" data-action="play">Play</button>
<button type="button" data-action="pause" disabled>Pause</button>
<label>Speed <select data-action="speed"><option value="0.5">0.5×</option><option value="1" selected>1×</option><option value="2">2×</option><option value="5">5×</option><option value="20">20×</option></select></label>
<span class="clock" role="timer">0.00 s</span>
</div>
<progress value="0" max="1"></progress>
<div class="stream" aria-live="polite"></div>
<details><summary>Raw stream (SSE) as it arrives</summary><pre class="raw sse"></pre></details>
</div>
<p><a href="/s/${encodeURIComponent(summary.session)}#x-${summary.id}">Back to the session</a></p>`;
}
