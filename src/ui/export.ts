/** A session exported: the records as JSON, or the conversation as Markdown. */
import type { SessionView } from '../audit/types.ts';
import type { Block, Message, Turn } from './conversation.ts';
import { toolResultText } from './conversation.ts';
import { count, duration, when } from './display.ts';

export function sessionJson(session: SessionView): string {
  return `${JSON.stringify({ session: session.summary, records: session.exchanges.map((e) => e.record) }, null, 2)}\n`;
}

/** A fence longer than any run of backticks in the text, so code never closes it early. */
function fenced(text: string, language = ''): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${language}\n${text}\n${fence}`;
}

function quoteLines(text: string): string {
  return text.split('\n').map((line) => `> ${line}`).join('\n');
}

function blockMarkdown(block: Block): string {
  switch (block.type) {
    case 'text':
      return String(block.text ?? '');
    case 'thinking':
      return `<details><summary>Thinking</summary>\n\n${quoteLines(String(block.thinking ?? ''))}\n\n</details>`;
    case 'redacted_thinking':
      return '_(thinking, encrypted by the model provider)_';
    case 'tool_use':
    case 'server_tool_use':
      return `**Tool call** \`${String(block.name ?? '')}\`\n\n${fenced(JSON.stringify(block.input ?? {}, null, 2), 'json')}`;
    case 'tool_result':
      return `**Tool result**${block.is_error ? ' (error)' : ''}\n\n${fenced(toolResultText(block.content))}`;
    default:
      return `_[${block.type ?? 'block'}]_`;
  }
}

function messageMarkdown(message: Message): string {
  const label = message.role === 'user' && message.blocks.every((b) => b.type === 'tool_result') ? 'Tool results' : message.role === 'user' ? 'User' : 'Assistant';
  return `### ${label}\n\n${message.blocks.map(blockMarkdown).join('\n\n')}`;
}

export function sessionMarkdown(session: SessionView, turns: Turn[]): string {
  const s = session.summary;
  const lines = [
    `# Session ${s.session}`,
    '',
    `- Who: ${s.who}${s.issuer ? ` (${s.issuer})` : ''}`,
    `- When: ${when(s.first)} – ${when(s.last)} UTC`,
    `- Exchanges: ${count(s.exchanges)}; tokens in/out: ${count(s.inputTokens)}/${count(s.outputTokens)}; redactions: ${count(s.findings)}`,
    '',
    'Redacted secrets appear as `[REDACTED:<rule>]`; their originals are not in this export.',
  ];
  turns.forEach((turn, i) => {
    const x = turn.exchange.summary;
    lines.push('', `## Exchange ${i + 1}: ${when(x.start)} UTC`, '',
      `\`${x.id}\` · ${x.model ?? 'no model'} · ${count(x.inputTokens)} in / ${count(x.outputTokens)} out · first byte ${duration(x.ttfbMs)}, took ${duration(x.durationMs)} · ${x.outcome}`);
    if (turn.problem) lines.push('', `_${turn.problem}_`);
    if (turn.system !== undefined) lines.push('', '<details><summary>System prompt</summary>', '', fenced(turn.system), '', '</details>');
    if (turn.historyNote) lines.push('', `_${turn.historyNote}_`);
    for (const message of turn.added) lines.push('', messageMarkdown(message));
    if (turn.answer) lines.push('', messageMarkdown(turn.answer));
    if (turn.findings.length > 0) {
      lines.push('', `Redactions: ${turn.findings.map(({ finding }) => `${finding.rule} (${finding.where === 'request' ? 'prompt' : `block ${finding.block ?? 0}`}, ${finding.kind === 'noted' ? 'noted' : 'redacted'})`).join('; ')}`);
    }
  });
  return `${lines.join('\n')}\n`;
}
