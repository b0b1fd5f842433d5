/**
 * What the replay player needs: every piece of the recorded response with its time (from
 * src/replay/restream.ts's responseEvents, the same pieces `scribe replay` paces), the raw
 * bytes, and the readable text each piece adds to which content block.
 */
import type { ExchangeRecord } from '../record/record.ts';
import { responseEvents } from '../replay/restream.ts';

export interface ReplayPiece {
  /** Milliseconds after the first piece. */
  ms: number;
  raw: string;
  /** Readable text this piece adds: [block, kind, text]; kind is text, thinking, tool or error. */
  adds: [number, string, string][];
}

function readable(data: Record<string, unknown>): [number, string, string] | undefined {
  const index = typeof data.index === 'number' ? data.index : 0;
  if (data.type === 'content_block_start') {
    const block = data.content_block as { type?: string; name?: string } | undefined;
    if (block?.type === 'tool_use' || block?.type === 'server_tool_use') return [index, 'tool', `${block.name ?? 'tool'} `];
    if (block?.type === 'thinking') return [index, 'thinking', ''];
    return [index, 'text', ''];
  }
  if (data.type === 'content_block_delta') {
    const delta = data.delta as { type?: string; text?: string; thinking?: string; partial_json?: string } | undefined;
    if (delta?.type === 'text_delta') return [index, 'text', delta.text ?? ''];
    if (delta?.type === 'thinking_delta') return [index, 'thinking', delta.thinking ?? ''];
    if (delta?.type === 'input_json_delta') return [index, 'tool', delta.partial_json ?? ''];
  }
  if (data.type === 'error') return [-1, 'error', JSON.stringify(data.error ?? data)];
  return undefined;
}

/** Parses the SSE `data:` lines of a piece (a piece may hold several events, or none whole). */
function addsOf(raw: string, carry: { rest: string }): [number, string, string][] {
  const adds: [number, string, string][] = [];
  const text = carry.rest + raw;
  const lastBreak = text.lastIndexOf('\n');
  carry.rest = text.slice(lastBreak + 1);
  for (const line of text.slice(0, lastBreak + 1).split('\n')) {
    if (!line.startsWith('data:')) continue;
    try {
      const add = readable(JSON.parse(line.slice(5)) as Record<string, unknown>);
      if (add) adds.push(add);
    } catch {
      // Not JSON (a non-SSE body is shown raw only).
    }
  }
  return adds;
}

export async function replayPieces(record: ExchangeRecord): Promise<ReplayPiece[]> {
  const events = await responseEvents(record);
  const origin = events[0]?.ms ?? 0;
  const carry = { rest: '' };
  const streamed = record.response?.stream !== undefined;
  return events.map((event) => ({
    ms: event.ms - origin,
    raw: event.text,
    adds: streamed ? addsOf(event.text, carry) : [[0, 'text', event.text] as [number, string, string]],
  }));
}
