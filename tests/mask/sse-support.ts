/** Building Messages SSE streams and running them through the masker, for the SSE tests. */
import type { RedactionFinding } from '../../src/mask/finding.ts';
import { cutAt } from './cuts.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function sseEvent(data: { type: string } & Record<string, unknown>, newline = '\n'): string {
  return `event: ${data.type}${newline}data: ${JSON.stringify(data)}${newline}${newline}`;
}

export const textDelta = (index: number, text: string) => sseEvent({ type: 'content_block_delta', index, delta: { type: 'text_delta', text } });
export const jsonDelta = (index: number, partial_json: string) =>
  sseEvent({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json } });
export const blockStart = (index: number, content_block: object) => sseEvent({ type: 'content_block_start', index, content_block });
export const blockStop = (index: number) => sseEvent({ type: 'content_block_stop', index });
export const messageStart = () =>
  sseEvent({ type: 'message_start', message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'claude', content: [], usage: { input_tokens: 1, output_tokens: 1 } } });
export const messageStop = () => sseEvent({ type: 'message_stop' });

/** A whole message: text block 0 in the given deltas. */
export function textMessage(deltas: string[]): string {
  return messageStart() + blockStart(0, { type: 'text', text: '' }) + deltas.map((d) => textDelta(0, d)).join('') + blockStop(0) + messageStop();
}

export function bytes(s: string): Uint8Array {
  return encoder.encode(s);
}

/** Cuts bytes at the given offsets, dropping empty pieces. */
export function chunksAt(all: Uint8Array, cuts: number[]): Uint8Array[] {
  return cutAt(all, cuts).filter((chunk) => chunk.length > 0);
}

export async function run(
  transform: TransformStream<Uint8Array, Uint8Array>,
  chunks: Uint8Array[],
): Promise<Uint8Array[]> {
  const writer = transform.writable.getWriter();
  const out: Uint8Array[] = [];
  const reading = (async () => {
    const reader = transform.readable.getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      out.push(value);
    }
  })();
  for (const chunk of chunks) await writer.write(chunk);
  await writer.close();
  await reading;
  return out;
}

export function text(chunks: Uint8Array[]): string {
  return chunks.map((c) => decoder.decode(c, { stream: true })).join('') + decoder.decode();
}

export interface ParsedEvent {
  event?: string;
  data: any;
}

/** Parses an SSE text the way a client does (any line ending). */
export function parseEvents(sse: string): ParsedEvent[] {
  const events: ParsedEvent[] = [];
  for (const block of sse.split(/\r\n\r\n|\n\n|\r\r/)) {
    const lines = block.split(/\r\n|\r|\n/);
    const data = lines.filter((l) => l.startsWith('data:')).map((l) => l.slice(l[5] === ' ' ? 6 : 5));
    const name = lines.find((l) => l.startsWith('event:'));
    if (data.length === 0) continue;
    events.push({ event: name?.slice(6).trim(), data: JSON.parse(data.join('\n')) });
  }
  return events;
}

/** The text of each block, and the tool input JSON of each block, as a client assembles them. */
export function assemble(events: ParsedEvent[]): { texts: Map<number, string>; json: Map<number, string> } {
  const texts = new Map<number, string>();
  const json = new Map<number, string>();
  for (const { data } of events) {
    if (data.type !== 'content_block_delta') continue;
    if (data.delta.type === 'text_delta') texts.set(data.index, (texts.get(data.index) ?? '') + data.delta.text);
    if (data.delta.type === 'input_json_delta') json.set(data.index, (json.get(data.index) ?? '') + data.delta.partial_json);
  }
  return { texts, json };
}

export function collector(): { findings: RedactionFinding[]; onFinding: (f: RedactionFinding) => void } {
  const findings: RedactionFinding[] = [];
  return { findings, onFinding: (f) => findings.push(f) };
}
