/**
 * Canonical messages, for deciding whether one request continues another. Clients move
 * cache_control markers from turn to turn, may send `"content": "hi"` or the equivalent single
 * text block, and rebuild objects with their own key order; none of that changes the
 * conversation, so none of it may break the thread.
 *
 * An agent resends its whole history on every call, so the same messages are hashed again and
 * again: each message's hash is remembered by its exact JSON text (which the history delta
 * needs anyway), and only new or changed messages are put in canonical form.
 */
import { jsonOf, jsonText } from './json-texts.ts';
import { hash128 } from './thread-hash.ts';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Sorted keys, no cache_control, no null or undefined fields; tool inputs are left as sent. */
function canonicalValue(value: unknown, insideInput = false): unknown {
  if (Array.isArray(value)) return value.map((item) => canonicalValue(item, insideInput));
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const field = value[key];
    if (!insideInput && (key === 'cache_control' || field === null || field === undefined)) continue;
    out[key] = canonicalValue(field, insideInput || key === 'input');
  }
  return out;
}

/** The canonical JSON text of one message. */
export function canonicalMessage(message: unknown): string {
  if (!isObject(message)) return JSON.stringify(message);
  const content = typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content;
  return JSON.stringify(canonicalValue({ role: message.role, content }));
}

/** A message's exact JSON text, computed once per parsed message object. */
export const messageText = jsonText;

/** The prefix hash of `previous` followed by `message`, reusing the last one computed. */
function extendedHash(previous: string, message: unknown): string {
  const known = jsonOf(message);
  if (known.prefix?.after === previous) return known.prefix.hash;
  // The canonical hash is computed once per distinct message text.
  known.threadHash ??= hash128(canonicalMessage(message));
  const hash = hash128(`${previous}\n${known.threadHash}`);
  known.prefix = { after: previous, hash };
  return hash;
}

/**
 * Hashes of every prefix of a conversation: result[i] identifies messages[0..i] (so
 * result[0] is the empty prefix). Each hash folds in the previous one, so the cost is linear;
 * `known` (the hashes of a prefix of these messages) is extended, not recomputed.
 */
export function prefixHashes(messages: readonly unknown[], known: readonly string[] = ['']): string[] {
  const hashes = known.slice(0, Math.min(known.length, messages.length + 1));
  if (hashes.length === 0) hashes.push('');
  let previous = hashes[hashes.length - 1] as string;
  for (let i = hashes.length - 1; i < messages.length; i++) {
    previous = extendedHash(previous, messages[i]);
    hashes.push(previous);
  }
  return hashes;
}
