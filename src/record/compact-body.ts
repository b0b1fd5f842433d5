/**
 * Parses a request body written by JSON.stringify piece by piece: each top-level field, and each
 * message of `messages` on its own. A piece whose text was seen before (the history an agent
 * resends on every call, its system prompt and tools) is not parsed again: the value parsed the
 * first time is reused. A new piece is parsed and checked to serialise back to its own text.
 *
 * When it returns an object, JSON.stringify of that object is exactly the body's text (every
 * piece is, the separators are JSON.stringify's, and the keys keep their order), which is what
 * lets the record store it factored. Anything it is unsure of gives undefined, and the caller
 * decodes and checks the body whole.
 */
import { objectLayout, type Span } from '../http/json-layout.ts';
import { Buffer } from 'node:buffer';
import { knownJson, knownJsonBytes, rememberBytes, rememberJson } from './json-texts.ts';

const MIN_BYTES_KEPT = 64;

// ignoreBOM: a byte-order mark inside a piece must stay visible (and fail the parse).
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The value a piece holds, when its text is exactly that value's JSON.stringify. */
function pieceValue(bytes: Buffer, [start, end]: Span): { value: unknown } | undefined {
  const piece = bytes.subarray(start, end);
  // Most of a request is history seen in the previous one: found by its bytes, not decoded.
  const seen = knownJsonBytes(piece);
  if (seen) return seen;
  const text = decoder.decode(piece);
  let known = knownJson(text);
  if (!known) {
    const value: unknown = JSON.parse(text);
    if (JSON.stringify(value) !== text) return undefined;
    if (typeof value !== 'object' || value === null) return { value };
    known = rememberJson(value, text);
  }
  // Only pieces worth the copy: keys and small values decode faster than they are compared.
  if (piece.length >= MIN_BYTES_KEPT) rememberBytes(known, piece);
  return known;
}

/** The body as an object, when it is compact JSON.stringify output; otherwise undefined. */
export function decodeCompactObject(body: Uint8Array): Record<string, unknown> | undefined {
  const bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const layout = objectLayout(bytes, 'messages');
  if (!layout) return undefined;
  try {
    const parsed: Record<string, unknown> = {};
    const names: string[] = [];
    for (const [i, { key, value }] of layout.fields.entries()) {
      const name = pieceValue(bytes, key)?.value;
      // A repeated key or __proto__ would not round-trip through a plain object.
      if (typeof name !== 'string' || name === '__proto__' || Object.hasOwn(parsed, name)) return undefined;
      if (i === layout.arrayAt && layout.elements) {
        const messages: unknown[] = [];
        for (const element of layout.elements) {
          const piece = pieceValue(bytes, element);
          if (!piece) return undefined;
          messages.push(piece.value);
        }
        parsed[name] = messages;
      } else {
        const piece = pieceValue(bytes, value);
        if (!piece) return undefined;
        parsed[name] = piece.value;
      }
      names.push(name);
    }
    // Integer-like keys would be reordered by the object, and serialise in another order.
    const keys = Object.keys(parsed);
    if (keys.some((key, i) => key !== names[i])) return undefined;
    return parsed;
  } catch {
    // Not UTF-8, or a piece that is not JSON.
    return undefined;
  }
}
