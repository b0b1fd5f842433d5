/**
 * The compact form of a recorded SSE stream. Deltas make up nearly all of a stream and repeat
 * text the assembled message already holds, so a delta is stored as its block and length;
 * structural events that follow from the message are stored as a letter; other events are
 * kept as they came. Each compact entry is used only when it rebuilds its event exactly, and
 * the whole form only when the rebuilt stream equals the received text; otherwise the stream
 * is kept verbatim.
 */
import type { AssembledMessage, RecordedStream, TimelineEntry } from './record.ts';
import type { AssembledStream, TimedEvent } from './sse-assembler.ts';

/** One SSE event as the client received it, and when (ms after the exchange began). */
export interface ReplayEvent {
  ms: number;
  text: string;
}

const deltaKinds: Record<string, { field: string; kind: 'd' | 's' }> = {
  text_delta: { field: 'text', kind: 'd' },
  thinking_delta: { field: 'thinking', kind: 'd' },
  input_json_delta: { field: 'partial_json', kind: 'd' },
  signature_delta: { field: 'signature', kind: 's' },
};

/** The real API writes ping with a space after the colon. */
const PING = '{"type": "ping"}';

function frame(event: string | undefined, data: string): string {
  return event === undefined ? `data: ${data}\n\n` : `event: ${event}\ndata: ${data}\n\n`;
}

/** A block as content_block_start announced it: its final shape with the streamed parts empty. */
function blockShell(block: Record<string, unknown>): Record<string, unknown> {
  const shell: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(block)) {
    if (key === 'text' || key === 'thinking' || key === 'signature') shell[key] = '';
    else if (key === 'input' && (block.type === 'tool_use' || block.type === 'server_tool_use')) shell[key] = {};
    else if (key === 'citations') continue;
    else shell[key] = value;
  }
  return shell;
}

/** The data line of a structural entry, rebuilt from the assembled message. */
function structuralData(entry: TimelineEntry, message: AssembledMessage | null): { event: string; data: string } | undefined {
  switch (entry[1]) {
    case 'p':
      return { event: 'ping', data: PING };
    case 'z':
      return { event: 'message_stop', data: '{"type":"message_stop"}' };
    case 'x':
      return { event: 'content_block_stop', data: JSON.stringify({ type: 'content_block_stop', index: entry[2] }) };
    case 'b': {
      const block = message?.content[entry[2]];
      if (!block) return undefined;
      return { event: 'content_block_start', data: JSON.stringify({ type: 'content_block_start', index: entry[2], content_block: blockShell(block) }) };
    }
    case 'm': {
      if (!message) return undefined;
      const shell = { ...message, content: [], stop_reason: null, stop_sequence: null, usage: entry[2] };
      return { event: 'message_start', data: JSON.stringify({ type: 'message_start', message: shell }) };
    }
    default:
      return undefined;
  }
}

function structuralCandidate(e: TimedEvent): TimelineEntry | undefined {
  const json = e.json as Record<string, unknown> | undefined;
  const index = typeof json?.index === 'number' ? json.index : -1;
  switch (e.event) {
    case 'ping':
      return [e.ms, 'p'];
    case 'message_stop':
      return [e.ms, 'z'];
    case 'content_block_stop':
      return index >= 0 ? [e.ms, 'x', index] : undefined;
    case 'content_block_start':
      return index >= 0 ? [e.ms, 'b', index] : undefined;
    case 'message_start': {
      const usage = (json?.message as Record<string, unknown> | undefined)?.usage;
      return usage === undefined ? undefined : [e.ms, 'm', usage];
    }
    default:
      return undefined;
  }
}

/** The most compact entry that gives back exactly this event. */
function compactEntry(e: TimedEvent, message: AssembledMessage | null): TimelineEntry {
  const structural = structuralCandidate(e);
  if (structural && structuralData(structural, message)?.data === e.data) return structural;
  if (e.event === 'content_block_delta' && typeof e.json === 'object' && e.json !== null) {
    const { type, index, delta } = e.json as { type?: unknown; index?: unknown; delta?: Record<string, unknown> };
    const spec = delta && typeof delta.type === 'string' ? deltaKinds[delta.type] : undefined;
    const piece = spec && delta ? delta[spec.field] : undefined;
    if (spec && type === 'content_block_delta' && typeof index === 'number' && typeof piece === 'string') {
      return [e.ms, spec.kind, index, piece.length];
    }
  }
  // Keep the data as text when re-serialising would not give it back.
  const exact = e.json !== undefined && typeof e.json !== 'string' && JSON.stringify(e.json) === e.data;
  return [e.ms, 'e', e.event ?? '', exact ? e.json : e.data];
}

/** The full text a block's deltas of one kind add up to. */
function blockStream(message: AssembledMessage | null, inputJson: Record<string, string>, index: number, kind: 'd' | 's'): string {
  const block = message?.content[index];
  if (!block) return '';
  if (kind === 's') return typeof block.signature === 'string' ? block.signature : '';
  if (typeof block.text === 'string') return block.text;
  if (typeof block.thinking === 'string') return block.thinking;
  if (index in inputJson) return inputJson[index] as string;
  return block.input === undefined ? '' : JSON.stringify(block.input);
}

function deltaData(message: AssembledMessage | null, index: number, kind: 'd' | 's', piece: string): string {
  const block = message?.content[index];
  let delta: Record<string, string>;
  if (kind === 's') delta = { type: 'signature_delta', signature: piece };
  else if (typeof block?.text === 'string') delta = { type: 'text_delta', text: piece };
  else if (typeof block?.thinking === 'string') delta = { type: 'thinking_delta', thinking: piece };
  else delta = { type: 'input_json_delta', partial_json: piece };
  return JSON.stringify({ type: 'content_block_delta', index, delta });
}

/** Rebuilds the SSE events, in order and with their times, from a recorded stream. */
export function rebuildEvents(stream: RecordedStream, message: AssembledMessage | null): ReplayEvent[] {
  if (stream.form === 'raw') {
    const bytes = new TextEncoder().encode(stream.sse);
    const decoder = new TextDecoder();
    let offset = 0;
    return stream.chunks.map(([ms, length]) => {
      const text = decoder.decode(bytes.subarray(offset, offset + length), { stream: true });
      offset += length;
      return { ms, text };
    });
  }
  const inputJson = stream.inputJson ?? {};
  const cursors = new Map<string, number>();
  return stream.events.map((entry) => {
    const ms = entry[0];
    if (entry[1] === 'e') {
      const [, , event, data] = entry;
      return { ms, text: frame(event === '' ? undefined : event, typeof data === 'string' ? data : JSON.stringify(data)) };
    }
    if (entry[1] === 'd' || entry[1] === 's') {
      const [, kind, index, length] = entry;
      const key = `${kind}${index}`;
      const start = cursors.get(key) ?? 0;
      cursors.set(key, start + length);
      const piece = blockStream(message, inputJson, index, kind).slice(start, start + length);
      return { ms, text: frame('content_block_delta', deltaData(message, index, kind, piece)) };
    }
    const structural = structuralData(entry, message);
    if (!structural) throw new Error(`stream entry ${JSON.stringify(entry)} cannot be rebuilt`);
    return { ms, text: frame(structural.event, structural.data) };
  });
}

/** Chooses the stream's stored form: compact when it rebuilds exactly, verbatim otherwise. */
export function encodeStream(assembled: AssembledStream, chunks: readonly { ms: number; bytes: Uint8Array }[]): RecordedStream {
  const inputJson: Record<string, string> = {};
  for (const [index, raw] of assembled.inputJson) {
    const input = assembled.message?.content[index]?.input;
    if (input === undefined || JSON.stringify(input) !== raw) inputJson[index] = raw;
  }
  const compact: RecordedStream = {
    form: 'events',
    events: assembled.events.map((e) => compactEntry(e, assembled.message)),
    ...(Object.keys(inputJson).length > 0 ? { inputJson } : {}),
  };
  try {
    const rebuilt = rebuildEvents(compact, assembled.message).map((e) => e.text).join('');
    if (rebuilt === assembled.text) return compact;
  } catch {
    // Fall through to the verbatim form.
  }
  return { form: 'raw', sse: assembled.text, chunks: chunks.map((c) => [c.ms, c.bytes.byteLength]) };
}
