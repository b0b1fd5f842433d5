/**
 * Canonical messages, for deciding whether one request continues another. Clients move
 * cache_control markers from turn to turn, may send `"content": "hi"` or the equivalent single
 * text block, and rebuild objects with their own key order; none of that changes the
 * conversation, so none of it may break the thread.
 */
import { sha256Hex } from './hash.ts';

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

/**
 * Hashes of every prefix of a conversation: result[i] identifies messages[0..i] (so
 * result[0] is the empty prefix). Each hash folds in the previous one, so the cost is linear.
 */
export async function prefixHashes(messages: readonly unknown[]): Promise<string[]> {
  const hashes = [''];
  let previous = '';
  for (const message of messages) {
    previous = await sha256Hex(`${previous}\n${await sha256Hex(canonicalMessage(message))}`);
    hashes.push(previous);
  }
  return hashes;
}
