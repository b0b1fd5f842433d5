/**
 * JSON texts known to be exactly what JSON.stringify writes for a value, and that value.
 *
 * An agent resends its whole history on every call. Once a message's text has been parsed and
 * checked to serialise back to itself, the next request carrying the same text can reuse the
 * parsed value (and what was computed from it: its thread hash, its SHA-256) instead of parsing,
 * serialising and hashing it again. Values handed out here are shared between requests and
 * must never be modified (nothing in recording modifies a parsed request).
 */
import { Buffer } from 'node:buffer';

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
  /** The text's UTF-8 bytes, once it was seen in a request body: found again without decoding. */
  bytes?: Buffer;
}

/** The JSON text of each parsed object, computed (or checked) once. */
const textOfObject = new WeakMap<object, KnownJson>();

/**
 * Known texts by length (and by byte length, for those seen in a body). A fresh text or byte
 * range is looked up by its length and then compared, which is a memory compare; a Map keyed
 * by the texts would hash every character of every message of every request first.
 */
const byLength = new Map<number, KnownJson[]>();
const byByteLength = new Map<number, KnownJson[]>();
/** Eviction order (second chance: an entry used since it was queued goes round once more). */
let queue: KnownJson[] = [];
let queueHead = 0;
const used = new WeakSet<KnownJson>();
/** Characters of the texts plus bytes of the byte copies held. */
let cachedSize = 0;
const MAX_CACHED_SIZE = 24 * 1024 * 1024;

function addTo(index: Map<number, KnownJson[]>, length: number, known: KnownJson): void {
  const bucket = index.get(length);
  if (bucket) bucket.push(known);
  else index.set(length, [known]);
}

function removeFrom(index: Map<number, KnownJson[]>, length: number, known: KnownJson): boolean {
  const bucket = index.get(length);
  const at = bucket?.indexOf(known) ?? -1;
  if (!bucket || at < 0) return false;
  bucket.splice(at, 1);
  if (bucket.length === 0) index.delete(length);
  return true;
}

function forget(known: KnownJson): void {
  if (!removeFrom(byLength, known.text.length, known)) return;
  cachedSize -= known.text.length;
  if (known.bytes && removeFrom(byByteLength, known.bytes.length, known)) cachedSize -= known.bytes.length;
}

function evict(): void {
  while (cachedSize > MAX_CACHED_SIZE && queueHead < queue.length) {
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
  addTo(byLength, text.length, known);
  queue.push(known);
  cachedSize += text.length;
  evict();
  return known;
}

/** Remembers the UTF-8 bytes of a known text (a copy: the body they came from is not kept). */
export function rememberBytes(known: KnownJson, bytes: Buffer): void {
  if (known.bytes || !byLength.get(known.text.length)?.includes(known)) return;
  // Its own ArrayBuffer: Buffer.from(buffer) would take small copies from Node's shared 8 KB
  // pool, and a cached piece would keep a whole pool slab alive.
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  known.bytes = Buffer.from(copy.buffer);
  addTo(byByteLength, bytes.length, known);
  cachedSize += bytes.length;
  evict();
}

/** The value whose JSON text is exactly `text`, when one was seen lately. */
export function knownJson(text: string): KnownJson | undefined {
  for (const known of byLength.get(text.length) ?? []) {
    if (known.text === text) {
      used.add(known);
      return known;
    }
  }
  return undefined;
}

/** The value whose JSON text's UTF-8 bytes are exactly `bytes`, when one was seen lately. */
export function knownJsonBytes(bytes: Buffer): KnownJson | undefined {
  for (const known of byByteLength.get(bytes.length) ?? []) {
    if (known.bytes?.equals(bytes)) {
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
