/**
 * SHA-256 through node:crypto, which Node, Bun and Deno all provide. (Web Crypto's digest was
 * used before: it costs about 0.6 ms a call on Node 20 whatever the input's size, which capped
 * recording and verification at a few thousand lines a second.)
 */
import { createHash } from 'node:crypto';

/** Lower-case hex SHA-256 of a string (as UTF-8) or of bytes. */
export async function sha256Hex(input: string | Uint8Array): Promise<string> {
  return createHash('sha256').update(input).digest('hex');
}

/** Lower-case hex SHA-256 of byte strings one after another (without joining them first). */
export function sha256HexOfParts(parts: Iterable<Uint8Array>): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest('hex');
}
