/** The integrity page: whether the batch files behind what is on screen are intact, in plain words. */
import { html } from 'hono/html';
import type { BatchIntegrity } from '../../audit/types.ts';
import { plural } from '../display.ts';
import type { Html } from './layout.ts';

export function integrityPage(subject: { label: string; href: string }, results: BatchIntegrity[]): Html {
  const broken = results.filter((r) => !r.ok);
  const verdict = results.length === 0
    ? 'Nothing to check: no stored batch holds this.'
    : broken.length === 0
      ? `Intact. ${plural(results.length, 'batch file')} hold${results.length === 1 ? 's' : ''} this, and ${results.length === 1 ? 'it is' : 'each is'} unchanged since it was written and linked to ${results.length === 1 ? 'its neighbours' : 'their neighbours'} in the writer's chain.`
      : `Problems found in ${plural(broken.length, 'batch file')} of ${results.length}: what is shown may have been changed, or records around it removed.`;
  return html`<h1>Integrity</h1>
<p>Of <a href="${subject.href}">${subject.label}</a>.</p>
<p class="verdict ${broken.length === 0 && results.length > 0 ? 'ok' : 'bad'}" role="status">${verdict}</p>
<table class="integrity"><thead><tr><th scope="col">Batch file</th><th scope="col">Status</th></tr></thead>
<tbody>${results.map((r) => html`<tr><td data-label="Batch"><code>${r.batch}</code></td><td data-label="Status">${r.ok ? html`<span class="pill ok">intact</span>` : html`<ul class="problems">${r.problems.map((p) => html`<li>${p}</li>`)}</ul>`}</td></tr>`)}</tbody></table>`;
}
