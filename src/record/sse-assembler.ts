/**
 * Reads the recorded copy of an SSE response and assembles what the client saw: the final
 * message (text, tool_use with parsed input, thinking with signature, stop_reason, usage) and
 * every event with its arrival time. Runs off the hot path, after the exchange ended.
 */
import { createParser } from 'eventsource-parser';
import type { AssembledMessage } from './record.ts';

/** One parsed SSE event and when (ms after the exchange began) its last byte arrived. */
export interface TimedEvent {
  ms: number;
  event: string | undefined;
  data: string;
  /** The parsed data, or undefined when it was not JSON. */
  json: unknown;
}

export interface TimedChunk {
  ms: number;
  bytes: Uint8Array;
}

export interface AssembledStream {
  /** The whole stream as text, exactly as the client received it. */
  text: string;
  events: TimedEvent[];
  message: AssembledMessage | null;
  /** The raw streamed JSON of each tool input, by block index. */
  inputJson: Map<number, string>;
  /** The data of an `error` event, if the stream carried one. */
  error?: unknown;
}

type Block = Record<string, unknown>;

function parseJson(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function appendString(block: Block, field: string, piece: unknown): void {
  if (typeof piece !== 'string') return;
  const before = typeof block[field] === 'string' ? (block[field] as string) : '';
  block[field] = before + piece;
}

/** Applies one Messages API stream event to the message being assembled. */
function applyEvent(state: AssembledStream, data: Record<string, unknown>): void {
  const index = typeof data.index === 'number' ? data.index : -1;
  switch (data.type) {
    case 'message_start': {
      if (!isObject(data.message)) return;
      state.message = { ...structuredClone(data.message), content: [] } as AssembledMessage;
      return;
    }
    case 'content_block_start': {
      if (!state.message || !isObject(data.content_block) || index < 0) return;
      state.message.content[index] = structuredClone(data.content_block);
      return;
    }
    case 'content_block_delta': {
      const block = state.message?.content[index];
      const delta = data.delta;
      if (!block || !isObject(delta)) return;
      if (delta.type === 'text_delta') appendString(block, 'text', delta.text);
      else if (delta.type === 'thinking_delta') appendString(block, 'thinking', delta.thinking);
      else if (delta.type === 'signature_delta') appendString(block, 'signature', delta.signature);
      else if (delta.type === 'input_json_delta' && typeof delta.partial_json === 'string') {
        state.inputJson.set(index, (state.inputJson.get(index) ?? '') + delta.partial_json);
      } else if (delta.type === 'citations_delta' && delta.citation !== undefined) {
        const citations = Array.isArray(block.citations) ? block.citations : [];
        block.citations = [...citations, delta.citation];
      }
      return;
    }
    case 'content_block_stop': {
      const block = state.message?.content[index];
      const raw = state.inputJson.get(index);
      if (!block || raw === undefined) return;
      // The input streams as JSON fragments; an empty stream means an empty input object.
      const parsed = raw === '' ? {} : parseJson(raw);
      if (parsed !== undefined) block.input = parsed;
      return;
    }
    case 'message_delta': {
      if (!state.message) return;
      if (isObject(data.delta)) Object.assign(state.message, data.delta);
      if (isObject(data.usage)) state.message.usage = { ...(state.message.usage ?? {}), ...data.usage };
      return;
    }
    case 'error': {
      state.error = data.error ?? data;
      return;
    }
  }
}

/** Assembles a complete or partial (aborted) SSE stream from its chunks. */
export function assembleStream(chunks: readonly TimedChunk[]): AssembledStream {
  const state: AssembledStream = { text: '', events: [], message: null, inputJson: new Map() };
  let now = 0;
  const parser = createParser({
    onEvent(message) {
      const json = parseJson(message.data);
      state.events.push({ ms: now, event: message.event, data: message.data, json });
      if (isObject(json)) applyEvent(state, json);
    },
  });
  const decoder = new TextDecoder();
  for (const chunk of chunks) {
    now = chunk.ms;
    const piece = decoder.decode(chunk.bytes, { stream: true });
    state.text += piece;
    parser.feed(piece);
  }
  const tail = decoder.decode();
  state.text += tail;
  if (tail) parser.feed(tail);
  // Sparse arrays can appear if a stream was cut between blocks; records hold dense arrays.
  if (state.message) state.message.content = state.message.content.filter((block) => block !== undefined);
  return state;
}
