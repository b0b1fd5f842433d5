/** Content blocks as HTML: text with redaction markers, thinking folded, tool calls and results. */
import { html } from 'hono/html';
import type { Block, FindingRef } from '../conversation.ts';
import { splitRedactions, toolResultText } from '../conversation.ts';
import type { Html } from './layout.ts';

export type Pick = (place: string, rule: string) => FindingRef | undefined;

export interface BlockContext {
  exchange: string;
  pick: Pick;
  /** 'request' for the caller's messages; answers use 'block <n>'. */
  place: (blockIndex: number) => string;
}

export function marker(exchange: string, rule: string, ref: FindingRef | undefined): Html {
  const kind = ref?.finding.kind === 'noted' ? 'noted' : 'redacted';
  const sealed = ref?.finding.sealed !== undefined;
  return html`<mark class="redaction" ${ref ? html`data-reveal="${exchange}/${ref.index}"` : ''} title="${`Redacted by rule ${rule} (${kind})${sealed ? '; the original is sealed: reveal it with your private key' : '; no sealed original'}`}"><span class="rule">${rule}</span><span class="kind">${kind}</span></mark>`;
}

export function textWithMarkers(text: string, context: BlockContext, place: string): Html {
  return html`${splitRedactions(text, (rule) => context.pick(place, rule)).map((part) => (typeof part === 'string' ? part : marker(context.exchange, part.rule, part.ref)))}`;
}

export function blockHtml(block: Block, index: number, context: BlockContext): Html {
  const place = context.place(index);
  switch (block.type) {
    case 'text':
      return html`<div class="text">${textWithMarkers(String(block.text ?? ''), context, place)}</div>`;
    case 'thinking':
      return html`<details class="thinking"><summary>Thinking</summary><div class="text">${String(block.thinking ?? '')}</div></details>`;
    case 'redacted_thinking':
      return html`<p class="note">(thinking, encrypted by the model provider)</p>`;
    case 'tool_use':
    case 'server_tool_use':
      return html`<div class="tool-call"><div class="label">Tool call <code>${String(block.name ?? '')}</code> <small>${String(block.id ?? '')}</small></div><pre>${textWithMarkers(JSON.stringify(block.input ?? {}, null, 2), context, place)}</pre></div>`;
    case 'tool_result':
      return html`<div class="tool-result ${block.is_error ? 'error' : ''}"><div class="label">Tool result${block.is_error ? ' (error)' : ''} <small>${String(block.tool_use_id ?? '')}</small></div><pre>${textWithMarkers(toolResultText(block.content), context, place)}</pre></div>`;
    case 'image':
    case 'document':
      return html`<p class="note">[${block.type}]</p>`;
    default:
      return html`<pre class="other">${JSON.stringify(block, null, 2)}</pre>`;
  }
}
