/**
 * Builders for recorder tests: Messages API SSE streams shaped like the real ones, exchange
 * starts with an identity, and a driver that plays an exchange through a recorder the way the
 * gateway does.
 */
import type { ExchangeRecorder, ExchangeStart, Outcome, Recorder } from '../../src/record/recorder.ts';
import type { Identity } from '../../src/identity/identity.ts';

export type Block =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> }
  | { type: 'thinking'; thinking: string; signature: string };

const encoder = new TextEncoder();

function event(name: string, data: unknown): string {
  return `event: ${name}\ndata: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
}

function pieces(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out.length > 0 ? out : [''];
}

/** The SSE text of a streamed message, event by event. */
export function sseEvents(blocks: Block[], options: { id?: string; stopReason?: string; inputTokens?: number; outputTokens?: number } = {}): string[] {
  const events = [
    event('message_start', {
      type: 'message_start',
      message: {
        id: options.id ?? 'msg_01', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5', content: [],
        stop_reason: null, stop_sequence: null,
        usage: { input_tokens: options.inputTokens ?? 120, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 1 },
      },
    }),
    // The real API writes ping with a space after the colon.
    event('ping', '{"type": "ping"}'),
  ];
  blocks.forEach((block, index) => {
    if (block.type === 'text') {
      events.push(event('content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } }));
      for (const text of pieces(block.text, 7)) events.push(event('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text } }));
    } else if (block.type === 'tool_use') {
      events.push(event('content_block_start', { type: 'content_block_start', index, content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} } }));
      events.push(event('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: '' } }));
      for (const partial_json of pieces(JSON.stringify(block.input), 11)) {
        events.push(event('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json } }));
      }
    } else {
      events.push(event('content_block_start', { type: 'content_block_start', index, content_block: { type: 'thinking', thinking: '', signature: '' } }));
      for (const thinking of pieces(block.thinking, 9)) events.push(event('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'thinking_delta', thinking } }));
      events.push(event('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'signature_delta', signature: block.signature } }));
    }
    events.push(event('content_block_stop', { type: 'content_block_stop', index }));
  });
  const stopReason = options.stopReason ?? (blocks.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn');
  events.push(event('message_delta', { type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: options.outputTokens ?? 42 } }));
  events.push(event('message_stop', { type: 'message_stop' }));
  return events;
}

/** Cuts text into byte chunks of a fixed size, ignoring event (and character) boundaries. */
export function chunkBytes(text: string, size: number): Uint8Array[] {
  const bytes = encoder.encode(text);
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.slice(i, i + size));
  return chunks;
}

export const alice: Identity = {
  issuer: 'https://idp.example.com',
  subject: 'alice',
  email: 'alice@example.com',
  groups: ['eng'],
  claims: { sub: 'alice', email: 'alice@example.com', groups: ['eng'] },
};

export const bob: Identity = { issuer: 'https://idp.example.com', subject: 'bob', groups: [], claims: { sub: 'bob' } };

let counter = 0;

export function startOf(body: unknown, options: { id?: string; identity?: Identity | null; headers?: Record<string, string>; startedAt?: number } = {}): ExchangeStart {
  const identity = options.identity === null ? undefined : (options.identity ?? alice);
  return {
    id: options.id ?? `ex_${Date.now().toString(36)}_${(counter++).toString(36)}`,
    startedAt: options.startedAt ?? Date.now(),
    ...(identity ? { identity } : {}),
    grant: { rule: 'engineers' },
    connection: 'anthropic',
    upstream: 'https://api.anthropic.com',
    request: {
      method: 'POST',
      path: '/v1/messages',
      query: '',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', ...options.headers },
      body: encoder.encode(typeof body === 'string' ? body : JSON.stringify(body)),
    },
  };
}

export interface Play {
  status?: number;
  contentType?: string;
  chunks?: Uint8Array[];
  outcome?: Outcome;
  detail?: string;
  /** Called on the exchange recorder before it ends (findings, say). */
  during?: (exchange: ExchangeRecorder) => void;
}

/** Drives one exchange through a recorder as the gateway would. */
export function play(recorder: Recorder, start: ExchangeStart, how: Play = {}): void {
  const exchange = recorder.begin(start);
  if (how.status !== undefined) {
    exchange.response(how.status, new Headers({ 'content-type': how.contentType ?? 'text/event-stream', 'request-id': 'req_1' }));
    for (const chunk of how.chunks ?? []) exchange.chunk(chunk);
  }
  how.during?.(exchange);
  exchange.end(how.outcome ?? 'complete', how.detail);
}

/** Plays a streamed answer. */
export function playStream(recorder: Recorder, start: ExchangeStart, blocks: Block[], how: Omit<Play, 'chunks' | 'status'> = {}): void {
  play(recorder, start, { status: 200, chunks: chunkBytes(sseEvents(blocks).join(''), 50), ...how });
}
