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
  /**
   * The last prefix hash computed ending with this message, and the prefix hash before it: an
   * agent resends the same messages after the same messages, so the next request reuses it.
   */
  prefix?: { after: string; hash: string };
}

/** The JSON text of each parsed object, computed (or checked) once. */
const textOfObject = new WeakMap<object, KnownJson>();

/**
 * Known texts by length. A fresh text is looked up by its length and then compared, which is a
 * memory compare; a Map keyed by the texts would hash every character of every message of
 * every request first.
 */
const byLength = new Map<number, KnownJson[]>();
/** Eviction order (second chance: an entry used since it was queued goes round once more). */
let queue: KnownJson[] = [];
let queueHead = 0;
const used = new WeakSet<KnownJson>();
let cachedChars = 0;
const MAX_CACHED_CHARS = 16 * 1024 * 1024;

function forget(known: KnownJson): void {
  const bucket = byLength.get(known.text.length);
  const at = bucket?.indexOf(known) ?? -1;
  if (!bucket || at < 0) return;
  bucket.splice(at, 1);
  if (bucket.length === 0) byLength.delete(known.text.length);
  cachedChars -= known.text.length;
}

function evict(): void {
  while (cachedChars > MAX_CACHED_CHARS && queueHead < queue.length) {
    const oldest = queue[queueHead++] as KnownJson;
    if (used.delete(oldest)) queue.push(oldest);
    else forget(oldest);
  }
  if (queueHead > 1024 && queueHead * 2 > queue.length) {
    queue = queue.slice(queueHead);
    queueHead = 0;
  }
}

/** Remembers that JSON.stringify(value) is exactly `text` (the caller has checked it). */
export function rememberJson(value: unknown, text: string): KnownJson {
  const known: KnownJson = { value, text };
  if (typeof value === 'object' && value !== null) textOfObject.set(value, known);
  const previous = knownJson(text);
  if (previous) forget(previous);
  let bucket = byLength.get(text.length);
  if (!bucket) {
    bucket = [];
    byLength.set(text.length, bucket);
  }
  bucket.push(known);
  queue.push(known);
  cachedChars += text.length;
  evict();
  return known;
}

/** The value whose JSON text is exactly `text`, when one was seen lately. */
export function knownJson(text: string): KnownJson | undefined {
  const bucket = byLength.get(text.length);
  if (!bucket) return undefined;
  for (const known of bucket) {
    if (known.text === text) {
      used.add(known);
      return known;
    }
  }
  return undefined;
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
