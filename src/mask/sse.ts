/**
 * The per-response stream transform: SSE bytes from upstream in, SSE bytes to the client out.
 *
 * Events pass as the bytes they came in, and a chunk that needs no change is forwarded as the
 * very same object. Only text_delta and input_json_delta events of a content block go through
 * a redactor; a text_delta whose text holds no keyword is recognised on its raw bytes, without
 * decoding. Changed events are rewritten whole (same event name, same block index, same other
 * fields). At content_block_stop whatever a block still held is decided and sent in one more
 * delta before the stop event. Thinking blocks pass byte-exact; their findings are noted only.
 * An incomplete event at a chunk's end waits for the rest: SSE clients act only on whole events.
 */
import type { RedactionFinding } from './finding.ts';
import { JsonInputMasker, escapeJson, type JsonStringFinding } from './json-input.ts';
import { Redactor, type SpanFinding } from './redactor.ts';
import type { Ruleset } from './ruleset.ts';
import { type DataLocation, dataText, eventEnd, locateData, startsWithBytes } from './sse-framing.ts';

const encoder = new TextEncoder();
const bytes = (s: string): Uint8Array => encoder.encode(s);

const DELTA = bytes('{"type":"content_block_delta","index":');
const TEXT_DELTA = bytes(',"delta":{"type":"text_delta","text":"');
const THINKING_DELTA = bytes(',"delta":{"type":"thinking_delta","thinking":"');
const SIGNATURE_DELTA = bytes(',"delta":{"type":"signature_delta"');
const INPUT_JSON_DELTA = bytes(',"delta":{"type":"input_json_delta","partial_json":"');
const BLOCK_STOP = bytes('{"type":"content_block_stop","index":');
const DELTA_TAIL = bytes('"}}');
/** Events that never need a look: their data starts with one of these. */
const UNTOUCHED = ['message_start', 'message_delta', 'message_stop', 'ping'].map((t) => bytes(`{"type":"${t}"`));
/**
 * What the masker sends instead of an event: pieces of the original bytes and new text,
 * assembled once per chunk. Empty: the event is dropped.
 */
type Piece = Uint8Array | string;
const DROPPED: readonly Piece[] = [];

type Block =
  | { kind: 'text'; redactor: Redactor }
  | { kind: 'json'; masker: JsonInputMasker }
  | { kind: 'thinking'; redactor: Redactor };

export interface SseMaskerOptions {
  ruleset: Ruleset;
  holdbackCap: number;
  onFinding: (finding: RedactionFinding) => void;
}

/** Where the masker hands what the client gets: a TransformStream's controller fits, and so does a plain array's push. */
export interface MaskedOutput {
  enqueue(chunk: Uint8Array): void;
}

/** The masker as a Web TransformStream, for consumers of Web streams. */
export function maskSseStream(options: SseMaskerOptions): TransformStream<Uint8Array, Uint8Array> {
  const masker = new SseMasker(options);
  return new TransformStream<Uint8Array, Uint8Array>({
    transform: (chunk, controller) => masker.chunk(chunk, controller),
    flush: (controller) => masker.finish(controller),
  });
}

/**
 * The same masker as plain synchronous calls: chunk() for each upstream chunk, finish() when
 * the upstream ended normally; each hands zero or one chunk to the output. The relay runs it on
 * the chunks it relays, with no Web stream in between (src/stream/relay.ts).
 */
export class SseMasker {
  private carry: Uint8Array | null = null;
  private readonly blocks = new Map<number, Block>();
  private readonly data: DataLocation = { lines: 0, lineStart: 0, start: 0, end: 0 };
  private readonly decoder = new TextDecoder();

  constructor(private readonly options: SseMaskerOptions) {}

  chunk(chunk: Uint8Array, controller: MaskedOutput): void {
    let buf = chunk;
    if (this.carry) {
      buf = assemble([this.carry, chunk]);
      this.carry = null;
    }
    const hasCR = buf.indexOf(13) >= 0;
    let pos = 0;
    let rawFrom = 0;
    let parts: Piece[] | null = null;
    while (pos < buf.length) {
      const end = eventEnd(buf, pos, hasCR);
      if (end < 0) break;
      const replacement = this.event(buf, pos, end, hasCR);
      if (replacement) {
        parts ??= [];
        if (pos > rawFrom) parts.push(buf.subarray(rawFrom, pos));
        for (const piece of replacement) parts.push(piece);
        rawFrom = end;
      }
      pos = end;
    }
    if (pos < buf.length) this.carry = buf.slice(pos);
    if (parts) {
      if (pos > rawFrom) parts.push(buf.subarray(rawFrom, pos));
      if (parts.length > 0) controller.enqueue(assemble(parts));
    } else if (pos === buf.length && buf === chunk) {
      controller.enqueue(chunk);
    } else if (pos > 0) {
      controller.enqueue(buf.subarray(0, pos));
    }
  }

  /** The stream ended: a last event without its empty line still counts; held text is dropped. */
  finish(controller: MaskedOutput): void {
    const rest = this.carry;
    this.carry = null;
    if (rest) {
      const replacement = this.event(rest, 0, rest.length, true);
      if (!replacement) controller.enqueue(rest);
      else if (replacement.length > 0) controller.enqueue(assemble(replacement));
    }
    this.blocks.clear();
  }

  /** Returns undefined to forward the event's bytes as they are, or what to send instead. */
  private event(buf: Uint8Array, from: number, to: number, hasCR: boolean): readonly Piece[] | undefined {
    const data = locateData(buf, from, to, hasCR, this.data);
    if (data.lines === 0) return undefined;
    if (data.lines === 1) {
      const start = data.start;
      if (startsWithBytes(buf, start, DELTA)) {
        let p = start + DELTA.length;
        let index = 0;
        while (buf[p]! >= 48 && buf[p]! <= 57) index = index * 10 + buf[p++]! - 48;
        const canonicalEnd = data.end - DELTA_TAIL.length;
        if (startsWithBytes(buf, p, TEXT_DELTA) && startsWithBytes(buf, canonicalEnd, DELTA_TAIL)) {
          const block = this.block(index, 'text');
          if (block.kind === 'text') return this.canonicalText(block.redactor, buf, from, p + TEXT_DELTA.length, canonicalEnd, to);
        } else if (startsWithBytes(buf, p, THINKING_DELTA) && startsWithBytes(buf, canonicalEnd, DELTA_TAIL)) {
          const block = this.block(index, 'thinking');
          if (block.kind === 'thinking' && block.redactor.passJsonString(buf, p + THINKING_DELTA.length, canonicalEnd) !== false) return undefined;
        } else if (startsWithBytes(buf, p, INPUT_JSON_DELTA) && startsWithBytes(buf, canonicalEnd, DELTA_TAIL)) {
          const block = this.block(index, 'json');
          if (block.kind === 'json') return this.viaString((json) => block.masker.push(json), buf, from, p + INPUT_JSON_DELTA.length, canonicalEnd, to);
        } else if (startsWithBytes(buf, p, SIGNATURE_DELTA)) {
          return undefined;
        }
      } else if (startsWithBytes(buf, start, BLOCK_STOP)) {
        let p = start + BLOCK_STOP.length;
        let index = 0;
        const digits = p;
        while (buf[p]! >= 48 && buf[p]! <= 57) index = index * 10 + buf[p++]! - 48;
        if (p > digits && p + 1 === data.end && buf[p] === 125) return this.stop(buf, from, to, index);
      } else {
        for (const prefix of UNTOUCHED) if (startsWithBytes(buf, start, prefix)) return undefined;
      }
    }
    return this.parsedEvent(buf, from, to);
  }

  /**
   * A text_delta in the API's own layout: the fast byte path when possible; otherwise only the
   * text string is decoded, and a changed event is rebuilt around it from the original bytes.
   */
  private canonicalText(redactor: Redactor, buf: Uint8Array, from: number, textStart: number, textEnd: number, to: number): readonly Piece[] | undefined {
    const held = redactor.passJsonString(buf, textStart, textEnd);
    if (held !== false) {
      const cut = redactor.passedUpTo;
      if (held === '' && cut === textEnd) return undefined;
      if (held === '' && cut === textStart) return DROPPED;
      return [buf.subarray(from, textStart), escapeJson(held), buf.subarray(textStart, cut), buf.subarray(textEnd, to)];
    }
    return this.viaString((text) => redactor.push(text), buf, from, textStart, textEnd, to);
  }

  /**
   * A delta in the API's own layout whose string (between textStart and textEnd) is decoded
   * alone and given to `mask`; a changed event is rebuilt around what it returns. A string
   * that does not decode sends the event down the general path.
   */
  private viaString(mask: (text: string) => string, buf: Uint8Array, from: number, textStart: number, textEnd: number, to: number): readonly Piece[] | undefined {
    let text: unknown;
    try {
      text = JSON.parse(this.decoder.decode(buf.subarray(textStart - 1, textEnd + 1)));
    } catch {
      return this.parsedEvent(buf, from, to);
    }
    if (typeof text !== 'string') return this.parsedEvent(buf, from, to);
    const out = mask(text);
    if (out === text) return undefined;
    if (out === '') return DROPPED;
    return [buf.subarray(from, textStart), escapeJson(out), buf.subarray(textEnd, to)];
  }

  /** The general path: the event's data as JSON. */
  private parsedEvent(buf: Uint8Array, from: number, to: number): readonly Piece[] | undefined {
    let event: any;
    try {
      event = JSON.parse(dataText(buf, from, to, this.decoder));
    } catch {
      // Not JSON: an event the masker does not know passes; a content delta that cannot be
      // read cannot be checked, so it is dropped rather than sent unchecked.
      return this.data.lines > 0 && startsWithBytes(buf, this.data.start, DELTA) ? DROPPED : undefined;
    }
    if (event === null || typeof event !== 'object') return undefined;
    const index = event.index;
    switch (event.type) {
      case 'content_block_delta':
        if (typeof index === 'number' && event.delta && typeof event.delta === 'object') return this.delta(buf, from, index, event);
        return undefined;
      case 'content_block_start':
        return this.start(buf, from, index, event);
      case 'content_block_stop':
        return typeof index === 'number' ? this.stop(buf, from, to, index) : undefined;
      case 'error':
        // The stream failed: whatever was held back is dropped, never sent.
        this.blocks.clear();
        return undefined;
      default:
        return undefined;
    }
  }

  private delta(buf: Uint8Array, from: number, index: number, event: any): readonly Piece[] | undefined {
    const delta = event.delta;
    if (delta.type === 'text_delta' && typeof delta.text === 'string') {
      const block = this.block(index, 'text');
      if (block.kind !== 'text') return undefined;
      const out = block.redactor.push(delta.text);
      if (out === delta.text) return undefined;
      if (out === '') return DROPPED;
      delta.text = out;
      return this.rewrite(buf, from, event);
    }
    if (delta.type === 'input_json_delta' && typeof delta.partial_json === 'string') {
      const block = this.block(index, 'json');
      if (block.kind !== 'json') return undefined;
      const out = block.masker.push(delta.partial_json);
      if (out === delta.partial_json) return undefined;
      if (out === '') return DROPPED;
      delta.partial_json = out;
      return this.rewrite(buf, from, event);
    }
    if (delta.type === 'thinking_delta' && typeof delta.thinking === 'string') {
      const block = this.block(index, 'thinking');
      if (block.kind === 'thinking') block.redactor.push(delta.thinking);
    }
    return undefined;
  }

  /** A block that starts with text (not the usual empty string) has that text redacted too. */
  private start(buf: Uint8Array, from: number, index: unknown, event: any): readonly Piece[] | undefined {
    const content = event.content_block;
    if (typeof index !== 'number' || !content || typeof content !== 'object') return undefined;
    if (content.type === 'text' && typeof content.text === 'string' && content.text !== '') {
      const block = this.block(index, 'text');
      if (block.kind !== 'text') return undefined;
      const out = block.redactor.push(content.text);
      if (out === content.text) return undefined;
      content.text = out;
      return this.rewrite(buf, from, event);
    }
    return undefined;
  }

  private stop(buf: Uint8Array, from: number, to: number, index: number): readonly Piece[] | undefined {
    const block = this.blocks.get(index);
    if (!block) return undefined;
    this.blocks.delete(index);
    let rest: string | undefined;
    if (block.kind === 'text') {
      const text = block.redactor.end();
      if (text) rest = deltaEvent(index, { type: 'text_delta', text });
    } else if (block.kind === 'json') {
      const partial_json = block.masker.end();
      if (partial_json) rest = deltaEvent(index, { type: 'input_json_delta', partial_json });
    } else {
      block.redactor.end();
    }
    return rest ? [rest, buf.subarray(from, to)] : undefined;
  }

  /** The block's masker; a delta of another kind than the block had so far gets a fresh one (never unmasked). */
  private block(index: number, kind: Block['kind']): Block {
    let block = this.blocks.get(index);
    if (!block || block.kind !== kind) {
      const { ruleset, holdbackCap } = this.options;
      if (kind === 'json') {
        block = { kind, masker: new JsonInputMasker(ruleset, holdbackCap, (f) => this.found(index, f, 'redacted')) };
      } else {
        const note = kind === 'thinking' ? 'noted' : 'redacted';
        block = { kind, redactor: new Redactor(ruleset, holdbackCap, (f) => this.found(index, f, note)) } as Block;
      }
      this.blocks.set(index, block);
    }
    return block;
  }

  private found(block: number, finding: SpanFinding | JsonStringFinding, kind: 'redacted' | 'noted'): void {
    this.options.onFinding({ ...finding, where: 'response', block, kind });
  }

  /** The event again with new data: the lines before its data line kept, then the data. */
  private rewrite(buf: Uint8Array, from: number, event: unknown): readonly Piece[] {
    return [buf.subarray(from, this.data.lineStart), `data: ${JSON.stringify(event)}\n\n`];
  }
}

function deltaEvent(index: number, delta: object): string {
  return `event: content_block_delta\ndata: ${JSON.stringify({ type: 'content_block_delta', index, delta })}\n\n`;
}

/** One buffer from pieces; text is encoded straight into it. */
function assemble(pieces: readonly Piece[]): Uint8Array {
  const only = pieces[0];
  if (pieces.length === 1 && typeof only !== 'string' && only) return only;
  let most = 0;
  for (const piece of pieces) most += typeof piece === 'string' ? piece.length * 3 : piece.length;
  const out = new Uint8Array(most);
  let at = 0;
  for (const piece of pieces) {
    if (typeof piece === 'string') {
      at += encoder.encodeInto(piece, out.subarray(at)).written;
    } else {
      out.set(piece, at);
      at += piece.length;
    }
  }
  return at === most ? out : out.subarray(0, at);
}
