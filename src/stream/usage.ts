/**
 * Token usage of a response, read after it ended (never on the hot path): the Messages API
 * reports input tokens in message_start (the first chunks) and the final output tokens in the
 * last message_delta (the last chunks), so only those chunks are kept.
 */
import { concatChunks } from './concat.ts';

const TAIL_CHUNKS = 4;

export class UsageWatcher {
  private head: Uint8Array[] = [];
  private headBytes = 0;
  /** The last chunks, in a ring: no per-chunk array shuffling on the hot path. */
  private readonly tail: Uint8Array[] = [];
  private tailNext = 0;
  private read: { head: string; joined: string; tail: string } | undefined;

  /** Hot path: keeps a reference, nothing else. */
  chunk(bytes: Uint8Array): void {
    if (this.headBytes < 4096) {
      this.head.push(bytes);
      this.headBytes += bytes.byteLength;
      return;
    }
    this.tail[this.tailNext] = bytes;
    this.tailNext = (this.tailNext + 1) % TAIL_CHUNKS;
  }

  /** Input plus output tokens, or 0 when the response carried no usage. */
  total(): number {
    const { input, output } = this.usage();
    return input + output;
  }

  /** The usage the response reported, as the Messages API names it (0 where it said nothing). */
  counts(): { input_tokens: number; cache_creation_input_tokens: number; output_tokens: number } {
    const { head } = this.texts();
    return {
      input_tokens: lastNumber(head, 'input_tokens'),
      cache_creation_input_tokens: lastNumber(head, 'cache_creation_input_tokens'),
      output_tokens: this.outputTokens(),
    };
  }

  /** Input and output tokens, and the model the upstream says answered ("" when it said none). */
  usage(): { input: number; output: number; model: string } {
    const { head } = this.texts();
    const input = lastNumber(head, 'input_tokens') + lastNumber(head, 'cache_creation_input_tokens');
    const output = this.outputTokens();
    return { input, output, model: /"model"\s*:\s*"([^"\\]{1,100})"/.exec(head)?.[1] ?? '' };
  }

  /** The final output count: the last one in stream order, so the tail's when it has one. */
  private outputTokens(): number {
    const { joined, tail } = this.texts();
    const last = lastNumber(tail, 'output_tokens', -1);
    return last >= 0 ? last : lastNumber(joined, 'output_tokens');
  }

  /** Decoded once, after the last chunk (nothing reads usage earlier): one decode of the joined chunks. */
  private texts(): { head: string; joined: string; tail: string } {
    if (this.read) return this.read;
    const decoder = new TextDecoder();
    const joined = decoder.decode(concatChunks(this.head));
    // A stream's input tokens and model are in its first event (message_start); the rest of the
    // head is deltas, which every pattern would otherwise scan. Anything else is read whole.
    const end = joined.indexOf('\n\n');
    const first = end < 0 ? joined : joined.slice(0, end);
    const head = first.includes('input_tokens') ? first : joined;
    const tail = decoder.decode(concatChunks([...this.tail.slice(this.tailNext), ...this.tail.slice(0, this.tailNext)]));
    this.read = { head, joined, tail };
    return this.read;
  }
}

/** One compiled pattern per field, made once (matchAll works on a copy, so sharing is safe). */
const fieldPatterns = new Map<string, RegExp>();

function lastNumber(text: string, field: string, none = 0): number {
  let pattern = fieldPatterns.get(field);
  if (pattern === undefined) {
    pattern = new RegExp(`"${field}"\\s*:\\s*(\\d+)`, 'g');
    fieldPatterns.set(field, pattern);
  }
  let value = none;
  for (const match of text.matchAll(pattern)) value = Number(match[1]);
  return value;
}
