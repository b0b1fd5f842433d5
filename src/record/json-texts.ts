/**
 * JSON texts known to be exactly what JSON.stringify writes for a value, and that value.
 *
 * An agent resends its whole history on every call. Once a message's text has been parsed and
 * checked to serialise back to itself, the next request carrying the same text can reuse the
 * parsed value (and what was computed from it: its thread hash, its SHA-256) instead of parsing,
 * serialising and hashing it again. Values handed out here are shared between requests and
 * must never be modified (nothing in recording modifies a parsed request).
 */

export interface KnownJson {
  value: unknown;
  text: string;
  /** The thread index's hash of the value as a message (canonical.ts), once computed. */
  threadHash?: string;
  /** SHA-256 of the text, once computed (for values stored by reference). */
  sha256?: string;
}

/** The JSON text of each parsed object, computed (or checked) once. */
const textOfObject = new WeakMap<object, KnownJson>();
/** Known texts, most recently used last; bounded by the characters they hold. */
const byText = new Map<string, KnownJson>();
let cachedChars = 0;
const MAX_CACHED_CHARS = 16 * 1024 * 1024;

/** Remembers that JSON.stringify(value) is exactly `text` (the caller has checked it). */
export function rememberJson(value: unknown, text: string): KnownJson {
  const known: KnownJson = { value, text };
  if (typeof value === 'object' && value !== null) textOfObject.set(value, known);
  const previous = byText.get(text);
  if (previous) {
    byText.delete(text);
    cachedChars -= text.length;
  }
  byText.set(text, known);
  cachedChars += text.length;
  while (cachedChars > MAX_CACHED_CHARS) {
    const oldest = byText.keys().next().value as string;
    byText.delete(oldest);
    cachedChars -= oldest.length;
  }
  return known;
}

/** The value whose JSON text is exactly `text`, when one was seen lately. */
export function knownJson(text: string): KnownJson | undefined {
  const known = byText.get(text);
  if (known) {
    byText.delete(text);
    byText.set(text, known);
  }
  return known;
}

/** What is known about a value's JSON text (computing it the first time). */
export function jsonOf(value: unknown): KnownJson {
  if (typeof value === 'object' && value !== null) {
    const known = textOfObject.get(value);
    if (known) return known;
    const text = JSON.stringify(value);
    const same = knownJson(text);
    if (!same) return rememberJson(value, text);
    textOfObject.set(value, same);
    return same;
  }
  return { value, text: JSON.stringify(value) ?? 'undefined' };
}

/** A value's exact JSON text, computed once per parsed object. */
export function jsonText(value: unknown): string {
  return jsonOf(value).text;
}
