/** The sessions page: who talked to Claude, filtered, sorted and paged, every view a URL. */
import { html } from 'hono/html';
import type { Page, SessionSort, SessionSummary } from '../../audit/types.ts';
import { count, when } from '../display.ts';
import { sessionsUrl, type QueryValues, type SessionsQuery } from '../filters.ts';
import type { Html } from './layout.ts';
import { isUnauthenticatedSession, VIEWER_CONNECTION } from '../access-log.ts';

const filterInputs: { name: keyof QueryValues; label: string; placeholder: string }[] = [
  { name: 'subject', label: 'Subject or email', placeholder: 'alice@* ' },
  { name: 'since', label: 'Since', placeholder: '24h or 2026-11-01' },
  { name: 'until', label: 'Until', placeholder: 'ISO time or age' },
  { name: 'text', label: 'Text in prompts or answers', placeholder: 'substring' },
  { name: 'model', label: 'Model', placeholder: 'claude-*' },
  { name: 'connection', label: 'Connection', placeholder: 'default' },
  { name: 'outcome', label: 'Outcome', placeholder: 'complete, upstream_error…' },
  { name: 'finding', label: 'Has finding (rule)', placeholder: '* or github-pat' },
  { name: 'group', label: 'Group', placeholder: 'eng-*' },
  { name: 'issuer', label: 'Issuer', placeholder: 'https://…' },
  { name: 'session', label: 'Session id', placeholder: '' },
  { name: 'exchange', label: 'Exchange id', placeholder: '' },
];

const columns: { label: string; sort?: SessionSort; className?: string }[] = [
  { label: 'Last activity', sort: 'last' },
  { label: 'Who', sort: 'who' },
  { label: 'Exchanges', sort: 'exchanges', className: 'num' },
  { label: 'Tokens in / out', sort: 'tokens', className: 'num' },
  { label: 'Models' },
  { label: 'Outcomes' },
  { label: 'Findings', className: 'num' },
  { label: 'First prompt' },
];

function header(query: SessionsQuery, column: (typeof columns)[number]): Html {
  if (!column.sort) return html`<th scope="col" class="${column.className ?? ''}">${column.label}</th>`;
  const active = query.sort === column.sort;
  const order = active && query.order === 'desc' ? 'asc' : active ? 'desc' : column.sort === 'who' ? 'asc' : 'desc';
  const href = sessionsUrl(query.values, { sort: column.sort, order, cursor: undefined });
  const arrow = active ? (query.order === 'desc' ? ' ↓' : ' ↑') : '';
  return html`<th scope="col" class="${column.className ?? ''}" aria-sort="${active ? (query.order === 'desc' ? 'descending' : 'ascending') : 'none'}"><a href="${href}">${column.label}${arrow}</a></th>`;
}

function outcomes(summary: SessionSummary): Html {
  return html`${Object.entries(summary.outcomes).map(([outcome, n]) => html`<span class="pill ${outcome === 'complete' ? 'ok' : 'warn'}">${outcome}${n > 1 ? html` ×${n}` : ''}</span> `)}`;
}

function row(summary: SessionSummary): Html {
  const href = `/s/${encodeURIComponent(summary.session)}`;
  const viewing = summary.connections.includes(VIEWER_CONNECTION);
  const who = viewing && summary.subject === null ? (isUnauthenticatedSession(summary.session) ? 'refused callers without credentials' : 'local user (loopback)') : summary.who;
  return html`<tr>
<td data-label="Last activity" class="time"><a href="${href}">${when(summary.last)}</a></td>
<td data-label="Who" class="who-cell">${who}${viewing ? html` <span class="pill" title="Pages this person viewed in scribe ui">viewer access</span>` : ''}</td>
<td data-label="Exchanges" class="num">${count(summary.exchanges)}</td>
<td data-label="Tokens" class="num">${count(summary.inputTokens)} / ${count(summary.outputTokens)}</td>
<td data-label="Models" class="models">${summary.models.join(', ') || '–'}</td>
<td data-label="Outcomes">${outcomes(summary)}</td>
<td data-label="Findings" class="num">${summary.findings > 0 ? html`<span class="pill secret">${summary.findings}</span>` : '0'}</td>
<td data-label="First prompt" class="preview"><a href="${href}">${summary.preview || (viewing ? 'audit viewer pages, exports and reveals' : '(no text)')}</a></td>
</tr>`;
}

export function sessionsPage(query: SessionsQuery, result: Page<SessionSummary>): Html {
  const active = Object.keys(query.values).filter((k) => !['sort', 'order', 'cursor', 'limit'].includes(k)).length;
  return html`<h1>Sessions</h1>
<form class="filters" method="get" action="/">
  <details ${active > 0 ? 'open' : ''} class="more"><summary>Filters${active > 0 ? ` (${active} active)` : ''}</summary>
  <div class="grid">
  ${filterInputs.map((input) => html`<label>${input.label}<input name="${input.name}" value="${query.values[input.name] ?? ''}" placeholder="${input.placeholder}"></label>`)}
  </div>
  <input type="hidden" name="sort" value="${query.sort}"><input type="hidden" name="order" value="${query.order}">
  <div class="actions"><button type="submit">Apply</button> <a href="/">Clear</a></div>
  </details>
</form>
${query.problems.map((problem) => html`<p class="problem" role="alert">${problem}</p>`)}
${result.items.length === 0
    ? html`<p class="empty">No session matches${active > 0 ? ' these filters' : ': the store holds no recorded exchanges yet'}.</p>`
    : html`<table class="sessions">
<thead><tr>${columns.map((column) => header(query, column))}</tr></thead>
<tbody>${result.items.map(row)}</tbody>
</table>`}
<nav class="pager">
  ${query.cursor ? html`<a href="${sessionsUrl(query.values, { cursor: undefined })}">« First page</a>` : ''}
  <span>${result.items.length} session${result.items.length === 1 ? '' : 's'} on this page</span>
  ${result.next ? html`<a rel="next" href="${sessionsUrl(query.values, { cursor: result.next })}">Next page »</a>` : ''}
</nav>`;
}
