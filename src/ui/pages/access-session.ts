/** A viewer's own session: what an auditor looked at, exported or revealed, one row per request. */
import { html } from 'hono/html';
import type { SessionView } from '../../audit/types.ts';
import { count, shortId, when } from '../display.ts';
import type { Html } from './layout.ts';
import { sessionParts } from './session-parts.ts';
import { isUnauthenticatedSession } from '../access-log.ts';

function describe(path: string, query: string): string {
  const params = new URLSearchParams(query);
  if (path === '/api/sealed') return `revealed sealed originals of ${params.get('session') ? `session ${params.get('session')}` : `exchange ${params.get('exchange')}`}`;
  if (path.endsWith('/export.md') || path.endsWith('/export.json')) return `exported session ${decodeURIComponent(path.split('/')[2] ?? '')} as ${path.endsWith('.md') ? 'Markdown' : 'JSON'}`;
  if (path.startsWith('/s/')) return `viewed session ${decodeURIComponent(path.slice(3))}`;
  if (path.endsWith('/replay') || path.endsWith('/replay.json')) return `replayed exchange ${decodeURIComponent(path.split('/')[2] ?? '')}`;
  if (path.startsWith('/x/')) return `viewed exchange ${decodeURIComponent(path.slice(3))}`;
  if (path === '/integrity') return 'checked integrity';
  if (path === '/') {
    const given = [...params].filter(([, value]) => value !== '').map(([key, value]) => `${key} ${value}`);
    return given.length > 0 ? `listed sessions (${given.join(', ')})` : 'listed sessions';
  }
  return `${path}${query}`;
}

export function accessSessionPage(session: SessionView, partSize: number): Html {
  const s = session.summary;
  return html`<h1>Viewer access <small title="${s.session}">${shortId(s.session)}</small></h1>
<section class="summary"><dl class="facts">
<div><dt>Who</dt><dd>${s.subject === null ? (isUnauthenticatedSession(s.session) ? 'refused callers without credentials' : 'local user (loopback)') : s.who}${s.issuer ? html` <small>${s.issuer}</small>` : ''}</dd></div>
<div><dt>When</dt><dd>${when(s.first)} – ${when(s.last)}</dd></div>
<div><dt>Requests</dt><dd>${count(s.exchanges)}</dd></div>
</dl>
<p class="muted">What this person looked at in <code>scribe ui</code>, recorded in the store like any exchange.</p>
${sessionParts(session, 'Requests', partSize)}</section>
<table class="access"><thead><tr><th scope="col">When</th><th scope="col">What</th><th scope="col">Request</th><th scope="col" class="num">Status</th></tr></thead>
<tbody>${session.exchanges.map(({ record }) => html`<tr>
<td data-label="When" class="time">${when(record.time.startMs)}</td>
<td data-label="What">${describe(record.request.path, record.request.query)}</td>
<td data-label="Request"><code>${record.request.method} ${record.request.path}${record.request.query}</code></td>
<td data-label="Status" class="num">${record.response?.status ?? '–'}</td>
</tr>`)}</tbody></table>
${sessionParts(session, 'Requests', partSize)}`;
}
