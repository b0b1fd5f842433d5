/**
 * Keyed digests of redacted originals. A plain SHA-256 of a short password can be reversed by
 * trying every candidate offline; an HMAC-SHA-256 under a deployment key cannot be, without the
 * key. What a record's digest still allows (with no key at all): telling whether two findings
 * hid the same original, within one deployment key.
 */

export interface FindingDigester {
  /** Names the key in records ("dk"), so findings under different keys are not compared. */
  readonly keyId: string;
  /** HMAC-SHA-256 of the original's UTF-8 bytes, lower-case hex. */
  digest(original: string): Promise<string>;
}

/** Shortest key accepted: 256 bits, as many as the hash gives. */
export const DIGEST_KEY_MIN_BYTES = 32;
/** The key id is an HMAC of this label: it names the key without revealing anything of it. */
const KEY_ID_LABEL = 'scribe finding digest key id';
const KEY_ID_HEX = 16;

const encoder = new TextEncoder();

export async function createFindingDigester(key: Uint8Array): Promise<FindingDigester> {
  if (key.byteLength < DIGEST_KEY_MIN_BYTES) throw new Error(`finding digest key: at least ${DIGEST_KEY_MIN_BYTES} bytes needed, got ${key.byteLength}`);
  const hmacKey = await crypto.subtle.importKey('raw', key as Uint8Array<ArrayBuffer>, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const sign = async (text: string): Promise<string> => toHex(await crypto.subtle.sign('HMAC', hmacKey, encoder.encode(text)));
  return { keyId: (await sign(KEY_ID_LABEL)).slice(0, KEY_ID_HEX), digest: sign };
}

function toHex(buffer: ArrayBuffer): string {
  let hex = '';
  for (const byte of new Uint8Array(buffer)) hex += byte.toString(16).padStart(2, '0');
  return hex;
}
