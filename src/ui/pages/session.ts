/** The session page: the conversation as the caller saw it, with usage, timing and redactions. */
import { html } from 'hono/html';
import type { SessionView } from '../../audit/types.ts';
import { findingPicker, placeOf, type Message, type Turn } from '../conversation.ts';
import { count, duration, plural, shortId, when } from '../display.ts';
import { blockHtml, type BlockContext } from './blocks.ts';
import { sessionParts } from './session-parts.ts';
import type { Html } from './layout.ts';
import { timeline } from './timeline.ts';

function messageHtml(message: Message, context: BlockContext): Html {
  const label = message.role === 'user' && message.blocks.every((b) => b.type === 'tool_result') ? 'Tool results' : message.role === 'user' ? 'User' : 'Assistant';
  return html`<div class="msg ${message.role}"><div class="role">${label}</div>${message.blocks.map((block, i) => blockHtml(block, i, context))}</div>`;
}

const usageNumber = (usage: Record<string, unknown> | null, key: string) => (typeof usage?.[key] === 'number' ? (usage[key] as number) : 0);

function facts(turn: Turn): Html {
  const { summary, record } = turn.exchange;
  const cacheRead = usageNumber(record.usage, 'cache_read_input_tokens');
  const cacheWrite = usageNumber(record.usage, 'cache_creation_input_tokens');
  return html`<dl class="facts">
<div><dt>Started</dt><dd>${when(summary.start)}</dd></div>
<div><dt>First byte</dt><dd>${duration(summary.ttfbMs)}</dd></div>
<div><dt>Took</dt><dd>${duration(summary.durationMs)}</dd></div>
<div><dt>Model</dt><dd>${summary.model ?? '–'}</dd></div>
<div><dt>Tokens in / out</dt><dd>${count(summary.inputTokens)} / ${count(summary.outputTokens)}${cacheRead || cacheWrite ? html` <small>(cache read ${count(cacheRead)}, written ${count(cacheWrite)})</small>` : ''}</dd></div>
<div><dt>Outcome</dt><dd><span class="pill ${summary.outcome === 'complete' ? 'ok' : 'warn'}">${summary.outcome}</span>${record.outcome.detail ? html` <small>${record.outcome.detail}</small>` : ''}${record.response?.message?.stop_reason ? html` <small>stop: ${record.response.message.stop_reason}</small>` : ''}</dd></div>
</dl>`;
}

function findingsTable(turn: Turn): Html {
  if (turn.findings.length === 0) return html``;
  const id = turn.exchange.summary.id;
  return html`<table class="findings"><caption>${plural(turn.findings.length, 'redaction')} in this exchange</caption>
<thead><tr><th scope="col">Rule</th><th scope="col">Where</th><th scope="col">Kind</th><th scope="col">Original</th></tr></thead>
<tbody>${turn.findings.map(({ index, finding }) => html`<tr>
<td data-label="Rule"><code>${finding.rule}</code></td>
<td data-label="Where">${finding.where === 'request' ? `prompt ${finding.path ?? ''}` : placeOf(finding)}${finding.truncated ? ' (cut at hold-back limit)' : ''}</td>
<td data-label="Kind">${finding.kind === 'noted' ? 'noted (in thinking, passed unchanged)' : 'redacted'}</td>
<td data-label="Original" class="original" ${finding.sealed ? html`data-reveal="${id}/${index}"` : ''}>${finding.sealed ? html`<span class="muted">sealed</span>` : html`<span class="muted">not kept (no seal key)</span>`}</td>
</tr>`)}</tbody></table>`;
}

function turnHtml(turn: Turn, number: number): Html {
  const { summary } = turn.exchange;
  const id = summary.id;
  const pick = findingPicker(turn.findings);
  const prompt: BlockContext = { exchange: id, pick, place: () => 'request' };
  const answer: BlockContext = { exchange: id, pick, place: (i) => `block ${i}` };
  return html`<section class="exchange" id="x-${id}">
<header><h2>#${number} <small title="${id}">${shortId(id)}</small></h2>
<nav><a href="/x/${encodeURIComponent(id)}/replay">Replay</a> <a href="/x/${encodeURIComponent(id)}">Request, response, record</a></nav></header>
${facts(turn)}
${turn.problem ? html`<p class="problem">${turn.problem}</p>` : ''}
${turn.system !== undefined ? html`<details class="system"><summary>System prompt (${count(turn.system.length)} characters)</summary><div class="text">${turn.system}</div></details>` : ''}
${turn.historyNote ? html`<p class="note">${turn.historyNote}</p>` : ''}
${turn.added.map((message) => messageHtml(message, prompt))}
${turn.answer ? messageHtml(turn.answer, answer) : html`<p class="note">No answer was recorded (${summary.outcome}).</p>`}
${findingsTable(turn)}
</section>`;
}

export function sessionPage(session: SessionView, turns: Turn[], partSize: number): Html {
  const s = session.summary;
  const sealed = turns.some((t) => t.findings.some((f) => f.finding.sealed));
  const id = encodeURIComponent(s.session);
  return html`<h1>Session <small title="${s.session}">${shortId(s.session)}</small></h1>
<section class="summary">
<dl class="facts">
<div><dt>Who</dt><dd>${s.who}${s.issuer ? html` <small>${s.issuer}</small>` : ''}</dd></div>
<div><dt>When</dt><dd>${when(s.first)} – ${when(s.last)}</dd></div>
<div><dt>Exchanges</dt><dd>${count(s.exchanges)}</dd></div>
<div><dt>Tokens in / out</dt><dd>${count(s.inputTokens)} / ${count(s.outputTokens)}</dd></div>
<div><dt>Redactions</dt><dd>${count(s.findings)}</dd></div>
</dl>
${timeline(session.exchanges)}
<nav class="actions">
<a class="button" href="/s/${id}/export.md" download>Export Markdown</a>
<a class="button" href="/s/${id}/export.json" download>Export JSON</a>
<a class="button" href="/integrity?session=${id}">Integrity</a>
</nav>
${sealed ? html`<div class="reveal" data-session="${s.session}">
<label>Reveal sealed originals with your private key (JWK file) <input type="file" id="reveal-key" accept=".jwk,.json,application/json"></label>
<p class="muted">The key is read and used in this browser tab only: it is not uploaded, and not stored.</p>
<p class="reveal-status" role="status"></p>
</div>` : ''}
${sessionParts(session, 'Exchanges', partSize)}
</section>
${turns.map((turn, i) => turnHtml(turn, session.from + i + 1))}
${sessionParts(session, 'Exchanges', partSize)}`;
}
