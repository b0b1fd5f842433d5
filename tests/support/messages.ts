/**
 * Faithful Messages API payloads for the test upstream: a response's content blocks, told
 * once, become either the non-streaming message JSON or the SSE events the API sends.
 */
export type Block =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> }
  | { type: 'thinking'; thinking: string; signature: string };

export interface Reply {
  blocks: Block[];
  model?: string;
  stopReason?: 'end_turn' | 'tool_use' | 'max_tokens' | 'stop_sequence';
  inputTokens?: number;
  outputTokens?: number;
  /** Characters per delta event (the API sends small pieces). */
  deltaSize?: number;
}

export interface SseEvent {
  event: string;
  data: Record<string, unknown>;
}

let counter = 0;

export function messageId(): string {
  counter++;
  return `msg_test${counter.toString().padStart(6, '0')}`;
}

export function messageJson(reply: Reply, id = messageId()): Record<string, unknown> {
  return {
    id,
    type: 'message',
    role: 'assistant',
    model: reply.model ?? 'claude-sonnet-5-5',
    content: reply.blocks.map((block) => ({ ...block })),
    stop_reason: reply.stopReason ?? (reply.blocks.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn'),
    stop_sequence: null,
    usage: { input_tokens: reply.inputTokens ?? 12, output_tokens: reply.outputTokens ?? 34 },
  };
}

export function messageEvents(reply: Reply, id = messageId()): SseEvent[] {
  const size = reply.deltaSize ?? 5;
  const events: SseEvent[] = [
    {
      event: 'message_start',
      data: {
        type: 'message_start',
        message: {
          id, type: 'message', role: 'assistant', model: reply.model ?? 'claude-sonnet-5-5', content: [],
          stop_reason: null, stop_sequence: null,
          usage: { input_tokens: reply.inputTokens ?? 12, output_tokens: 1 },
        },
      },
    },
  ];
  reply.blocks.forEach((block, index) => {
    if (block.type === 'text') {
      events.push(start(index, { type: 'text', text: '' }));
      if (index === 0) events.push({ event: 'ping', data: { type: 'ping' } });
      for (const piece of pieces(block.text, size)) events.push(delta(index, { type: 'text_delta', text: piece }));
    } else if (block.type === 'tool_use') {
      events.push(start(index, { type: 'tool_use', id: block.id, name: block.name, input: {} }));
      for (const piece of pieces(JSON.stringify(block.input), size)) {
        events.push(delta(index, { type: 'input_json_delta', partial_json: piece }));
      }
    } else {
      events.push(start(index, { type: 'thinking', thinking: '' }));
      for (const piece of pieces(block.thinking, size)) events.push(delta(index, { type: 'thinking_delta', thinking: piece }));
      events.push(delta(index, { type: 'signature_delta', signature: block.signature }));
    }
    events.push({ event: 'content_block_stop', data: { type: 'content_block_stop', index } });
  });
  const json = messageJson(reply, id);
  events.push({
    event: 'message_delta',
    data: { type: 'message_delta', delta: { stop_reason: json.stop_reason, stop_sequence: null }, usage: { output_tokens: reply.outputTokens ?? 34 } },
  });
  events.push({ event: 'message_stop', data: { type: 'message_stop' } });
  return events;
}

export function encodeEvent(event: SseEvent): string {
  return `event: ${event.event}\ndata: ${JSON.stringify(event.data)}\n\n`;
}

function start(index: number, block: Record<string, unknown>): SseEvent {
  return { event: 'content_block_start', data: { type: 'content_block_start', index, content_block: block } };
}

function delta(index: number, body: Record<string, unknown>): SseEvent {
  return { event: 'content_block_delta', data: { type: 'content_block_delta', index, delta: body } };
}

/** Splits text into pieces of `size` characters without splitting a surrogate pair. */
function pieces(text: string, size: number): string[] {
  const chars = Array.from(text);
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += size) out.push(chars.slice(i, i + size).join(''));
  return out.length ? out : [''];
}
