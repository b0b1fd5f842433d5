/**
 * The compact form of a recorded SSE stream. Deltas make up nearly all of a stream and repeat
 * text the assembled message already holds, so a delta is stored as its block and length; the
 * other events are kept as they came. The compact form is used only when rebuilding it gives
 * back the received text exactly; otherwise the stream is kept verbatim.
 */
import type { AssembledMessage, RecordedStream, TimelineEntry } from './record.ts';
import type { AssembledStream } from './sse-assembler.ts';

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

function frame(event: string | undefined, data: string): string {
  return event === undefined ? `data: ${data}\n\n` : `event: ${event}\ndata: ${data}\n\n`;
}

/** Tries the compact form: a delta whose data is exactly what rebuilding would write. */
function compactEntry(ms: number, event: string | undefined, data: string, json: unknown): TimelineEntry {
  if (event === 'content_block_delta' && typeof json === 'object' && json !== null) {
    const { type, index, delta } = json as { type?: unknown; index?: unknown; delta?: Record<string, unknown> };
    const spec = delta && typeof delta.type === 'string' ? deltaKinds[delta.type] : undefined;
    const piece = spec && delta ? delta[spec.field] : undefined;
    if (spec && type === 'content_block_delta' && typeof index === 'number' && typeof piece === 'string') {
      return [ms, spec.kind, index, piece.length];
    }
  }
  // Keep the data as text when re-serialising would not give it back (`{"type": "ping"}`).
  const exact = json !== undefined && typeof json !== 'string' && JSON.stringify(json) === data;
  return [ms, 'e', event ?? '', exact ? json : data];
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
    if (entry[1] === 'e') {
      const [ms, , event, data] = entry;
      return { ms, text: frame(event === '' ? undefined : event, typeof data === 'string' ? data : JSON.stringify(data)) };
    }
    const [ms, kind, index, length] = entry;
    const key = `${kind}${index}`;
    const start = cursors.get(key) ?? 0;
    cursors.set(key, start + length);
    const piece = blockStream(message, inputJson, index, kind).slice(start, start + length);
    return { ms, text: frame('content_block_delta', deltaData(message, index, kind, piece)) };
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
    events: assembled.events.map((e) => compactEntry(e.ms, e.event, e.data, e.json)),
    ...(Object.keys(inputJson).length > 0 ? { inputJson } : {}),
  };
  const rebuilt = rebuildEvents(compact, assembled.message).map((e) => e.text).join('');
  if (rebuilt === assembled.text) return compact;
  return { form: 'raw', sse: assembled.text, chunks: chunks.map((c) => [c.ms, c.bytes.byteLength]) };
}
