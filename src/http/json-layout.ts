/**
 * Finds where the top-level fields of a compact JSON object lie in its UTF-8 bytes, and where
 * each element of its `messages` array lies, without decoding the body into one string.
 *
 * Why: a Claude Code request is 65-250 KB, and on Node a string that size is allocated in V8's
 * large-object space, which costs about 1 ms per body to decode and as much again in garbage
 * collection. Decoding field by field and message by message keeps every string small, and lets
 * a message already seen in an earlier request be recognised by its text without parsing it.
 *
 * The scanner only accepts the layout JSON.stringify writes (no whitespace between tokens) and
 * does not validate what it skips: the caller decodes each piece, parses it and checks that it
 * serialises back to the same text. Anything else (whitespace, a truncated body) gives
 * undefined, and the caller falls back to decoding and parsing the body whole.
 */
import { Buffer } from 'node:buffer';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

/** A byte range [start, end). */
export type Span = readonly [start: number, end: number];

export interface ObjectLayout {
  /** Each top-level field in order: the key's span (quotes included) and the value's span. */
  fields: { key: Span; value: Span }[];
  /** Spans of the elements of the field named by `arrayField`, when it is an array. */
  elements?: Span[];
  /** Index in `fields` of that array field. */
  arrayAt?: number;
}

/** The end (exclusive) of the string whose opening quote is at `at`, or -1. */
function stringEnd(bytes: Uint8Array, at: number): number {
  let from = at + 1;
  for (;;) {
    const quote = bytes.indexOf(QUOTE, from);
    if (quote < 0) return -1;
    let slashes = 0;
    while (bytes[quote - 1 - slashes] === BACKSLASH) slashes++;
    if (slashes % 2 === 0) return quote + 1;
    from = quote + 1;
  }
}

/** The end (exclusive) of the value starting at `at`, or -1; contents are not validated. */
function valueEnd(bytes: Uint8Array, at: number): number {
  const first = bytes[at];
  if (first === QUOTE) return stringEnd(bytes, at);
  if (first !== OPEN_OBJECT && first !== OPEN_ARRAY) {
    let i = at;
    while (i < bytes.length && bytes[i] !== COMMA && bytes[i] !== CLOSE_OBJECT && bytes[i] !== CLOSE_ARRAY) i++;
    return i > at ? i : -1;
  }
  let depth = 0;
  for (let i = at; i < bytes.length; i++) {
    const byte = bytes[i];
    if (byte === QUOTE) {
      i = stringEnd(bytes, i) - 1;
      if (i < 0) return -1;
    } else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) {
      depth++;
    } else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

/** Spans of the elements of the compact array at `span`, or undefined. */
function arrayElements(bytes: Uint8Array, [start, end]: Span): Span[] | undefined {
  if (bytes[start] !== OPEN_ARRAY || bytes[end - 1] !== CLOSE_ARRAY) return undefined;
  const elements: Span[] = [];
  let at = start + 1;
  if (at === end - 1) return elements;
  for (;;) {
    const valueStop = valueEnd(bytes, at);
    if (valueStop < 0 || valueStop >= end) return undefined;
    elements.push([at, valueStop]);
    if (valueStop === end - 1) return elements;
    if (bytes[valueStop] !== COMMA) return undefined;
    at = valueStop + 1;
  }
}

/**
 * The layout of `bytes` when they are one compact JSON object, with the elements of
 * `arrayField` when that field holds an array; otherwise undefined.
 */
export function objectLayout(body: Uint8Array, arrayField: string): ObjectLayout | undefined {
  // A Buffer view (no copy): its indexOf is a native byte search, several times faster than
  // Uint8Array's on Node, and node:buffer is there on Bun and Deno too.
  const bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const last = bytes.length - 1;
  if (bytes[0] !== OPEN_OBJECT || bytes[last] !== CLOSE_OBJECT) return undefined;
  const layout: ObjectLayout = { fields: [] };
  if (last === 1) return layout;
  const wanted = new TextEncoder().encode(JSON.stringify(arrayField));
  let at = 1;
  for (;;) {
    if (bytes[at] !== QUOTE) return undefined;
    const keyEnd = stringEnd(bytes, at);
    if (keyEnd < 0 || bytes[keyEnd] !== COLON) return undefined;
    const valueStart = keyEnd + 1;
    const valueStop = valueEnd(bytes, valueStart);
    if (valueStop < 0 || valueStop > last) return undefined;
    const key: Span = [at, keyEnd];
    const value: Span = [valueStart, valueStop];
    if (layout.arrayAt === undefined && bytes[valueStart] === OPEN_ARRAY && sameBytes(bytes, key, wanted)) {
      const elements = arrayElements(bytes, value);
      if (elements) {
        layout.elements = elements;
        layout.arrayAt = layout.fields.length;
      }
    }
    layout.fields.push({ key, value });
    if (valueStop === last) return layout;
    if (bytes[valueStop] !== COMMA) return undefined;
    at = valueStop + 1;
  }
}

function sameBytes(bytes: Uint8Array, [start, end]: Span, other: Uint8Array): boolean {
  if (end - start !== other.length) return false;
  for (let i = 0; i < other.length; i++) if (bytes[start + i] !== other[i]) return false;
  return true;
}
