/** The exchange page: the raw request and response as they crossed the gateway, and the record. */
import { html } from 'hono/html';
import type { ExchangeView } from '../../audit/types.ts';
import type { ExchangeRecord } from '../../record/record.ts';
import { duration, shortId, when } from '../display.ts';
import type { Html } from './layout.ts';

/** The record for display: sealed originals shown by size only, so reveals go through the logged endpoint. */
export function recordForDisplay(record: ExchangeRecord): unknown {
  return { ...record, findings: record.findings.map(({ sealed, ...rest }) => (sealed ? { ...rest, sealed: `(sealed, ${sealed.length} characters: use Reveal on the session page)` } : rest)) };
}

function headersTable(headers: Record<string, string>): Html {
  const entries = Object.entries(headers);
  if (entries.length === 0) return html`<p class="muted">(no headers recorded)</p>`;
  return html`<details><summary>Headers (${entries.length})</summary><table class="headers"><tbody>${entries.map(([name, value]) => html`<tr><th scope="row">${name}</th><td>${value}</td></tr>`)}</tbody></table></details>`;
}

function prettyJson(bytes: Uint8Array): string {
  const text = new TextDecoder().decode(bytes);
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

export function exchangePage(view: ExchangeView, requestBody: Uint8Array | Error, responseText: string): Html {
  const { record, summary } = view;
  const id = encodeURIComponent(summary.id);
  return html`<h1>Exchange <small title="${summary.id}">${shortId(summary.id)}</small></h1>
<dl class="facts">
<div><dt>Session</dt><dd><a href="/s/${encodeURIComponent(summary.session)}#x-${summary.id}">${shortId(summary.session)}</a></dd></div>
<div><dt>Who</dt><dd>${summary.email ?? summary.subject ?? '(unauthenticated)'}</dd></div>
<div><dt>Started</dt><dd>${when(summary.start)}</dd></div>
<div><dt>First byte / took</dt><dd>${duration(summary.ttfbMs)} / ${duration(summary.durationMs)}</dd></div>
<div><dt>Connection</dt><dd>${record.connection} <small>${record.upstream}</small></dd></div>
<div><dt>Outcome</dt><dd>${summary.outcome}</dd></div>
<div><dt>Stored in</dt><dd><small>${summary.batch} line ${summary.line + 1}</small> <a href="/integrity?exchange=${id}">integrity</a></dd></div>
</dl>
<nav class="actions"><a class="button" href="/x/${id}/replay">Replay the answer</a></nav>
<section><h2>Request</h2>
<p><code>${record.request.method} ${record.request.path}${record.request.query}</code></p>
${headersTable(record.request.headers)}
<details open><summary>Body as forwarded</summary><pre class="raw">${requestBody instanceof Error ? `(cannot rebuild: ${requestBody.message})` : prettyJson(requestBody)}</pre></details>
</section>
<section><h2>Response</h2>
${record.response ? html`<p><code>HTTP ${record.response.status}</code></p>${headersTable(record.response.headers)}
<details><summary>Body as the caller received it</summary><pre class="raw">${responseText}</pre></details>` : html`<p class="muted">No response was recorded.</p>`}
</section>
<section><h2>Record</h2>
<details><summary>The stored record (JSON)</summary><pre class="raw">${JSON.stringify(recordForDisplay(record), null, 2)}</pre></details>
</section>`;
}
