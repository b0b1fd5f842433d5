/**
 * A session as its caller saw it: for each exchange, the messages the caller added (not the
 * whole history an agent resends every time), the answer, and where redactions happened. The
 * session page and the Markdown export both render this.
 */
import type { ExchangeView, SessionView } from '../audit/types.ts';
import type { RecordedFinding } from '../record/record.ts';

export type Block = Record<string, unknown> & { type?: string };

export interface Message {
  role: string;
  blocks: Block[];
}

/** A redaction, numbered within its exchange (the number the reveal endpoint uses). */
export interface FindingRef {
  index: number;
  finding: RecordedFinding;
}

export interface Turn {
  exchange: ExchangeView;
  /** The system prompt, when it changed from the previous exchange's (or on the first). */
  system?: string;
  /** Messages this exchange added to the conversation. */
  added: Message[];
  /** Messages of the history the caller edited or dropped, if any; shown as a note. */
  historyNote?: string;
  answer: Message | null;
  findings: FindingRef[];
  /** Set when the request could not be rebuilt (missing parent or definition). */
  problem?: string;
}

const placeholder = /\[REDACTED:([A-Za-z0-9_.-]+)\]/g;

/** Splits text into plain runs and redaction markers, each marker matched to its finding. */
export function splitRedactions(text: string, pick: (rule: string) => FindingRef | undefined): (string | { rule: string; ref?: FindingRef })[] {
  const parts: (string | { rule: string; ref?: FindingRef })[] = [];
  let last = 0;
  for (const match of text.matchAll(placeholder)) {
    if (match.index > last) parts.push(text.slice(last, match.index));
    const rule = match[1] as string;
    const ref = pick(rule);
    parts.push(ref ? { rule, ref } : { rule });
    last = match.index + match[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}

/**
 * Hands out an exchange's findings to the markers met while rendering, in order: a marker
 * takes the first unused finding of its rule in the same place (the request, or one block).
 */
export function findingPicker(findings: FindingRef[]): (place: string, rule: string) => FindingRef | undefined {
  const used = new Set<number>();
  return (place, rule) => {
    const ref = findings.find(({ index, finding }) =>
      !used.has(index) && finding.rule === rule && finding.kind !== 'noted' && placeOf(finding) === place);
    if (ref) used.add(ref.index);
    return ref;
  };
}

export function placeOf(finding: RecordedFinding): string {
  return finding.where === 'request' ? 'request' : `block ${finding.block ?? 0}`;
}

function asBlocks(content: unknown): Block[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  if (Array.isArray(content)) return content.filter((b): b is Block => typeof b === 'object' && b !== null);
  return [];
}

function asMessages(list: unknown): Message[] {
  if (!Array.isArray(list)) return [];
  return list
    .filter((m): m is { role: string; content: unknown } => typeof m === 'object' && m !== null && typeof (m as { role?: unknown }).role === 'string')
    .map((m) => ({ role: m.role, blocks: asBlocks(m.content) }));
}

function systemText(system: unknown): string | undefined {
  if (typeof system === 'string') return system;
  if (Array.isArray(system)) return system.map((b: { text?: unknown }) => (typeof b.text === 'string' ? b.text : '')).join('\n');
  return undefined;
}

export async function conversation(session: SessionView): Promise<Turn[]> {
  const turns: Turn[] = [];
  const lengths = new Map<string, number>();
  let lastSystem: string | undefined;
  // A part of a session is read after the exchange before it, so that its first turn shows
  // what it added, not the whole history; that exchange's own turn is not shown.
  const context = session.before;
  for (const exchange of context ? [context, ...session.exchanges] : session.exchanges) {
    const record = exchange.record;
    const findings = record.findings.map((finding, index) => ({ index, finding }));
    const answer = record.response?.message ? { role: 'assistant', blocks: asBlocks(record.response.message.content) } : null;
    const turn: Turn = { exchange, added: [], answer, findings };
    try {
      const body = JSON.parse(new TextDecoder().decode(await exchange.requestBody())) as Record<string, unknown>;
      const messages = Array.isArray(body.messages) ? body.messages : [];
      lengths.set(record.id, messages.length + (answer && answer.blocks.length > 0 ? 1 : 0));
      const history = record.request.body.form === 'json' ? record.request.body.history : undefined;
      const parentLength = record.parent ? lengths.get(record.parent) : undefined;
      if (history) {
        turn.added = asMessages(history.append);
        const dropped = (parentLength ?? history.keep) - history.keep;
        const notes = [
          dropped > 0 ? `${dropped} earlier message${dropped === 1 ? '' : 's'} dropped from the history` : '',
          history.edits.length > 0 ? `${history.edits.length} edit${history.edits.length === 1 ? '' : 's'} to earlier messages (e.g. cache markers)` : '',
        ].filter(Boolean);
        if (notes.length > 0) turn.historyNote = notes.join('; ');
      } else {
        turn.added = asMessages(parentLength !== undefined && parentLength <= messages.length ? messages.slice(parentLength) : messages);
      }
      const system = systemText(body.system);
      if (system !== undefined && system !== lastSystem) turn.system = system;
      lastSystem = system;
    } catch (error) {
      turn.problem = `The request could not be rebuilt: ${(error as Error).message}`;
    }
    if (exchange !== context) turns.push(turn);
  }
  return turns;
}

/** The text of a tool_result's content, whatever its shape. */
export function toolResultText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((b: { type?: string; text?: unknown }) => (typeof b.text === 'string' ? b.text : `[${b.type ?? 'block'}]`)).join('\n');
  return content === undefined ? '' : JSON.stringify(content, null, 2);
}
