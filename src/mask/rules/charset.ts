/** ASCII character classes for token bodies. Non-ASCII is never part of a token. */
export type Charset = (c: number) => boolean;

/** Builds a class from a spec like "A-Za-z0-9_-" (a trailing or leading "-" is literal). */
export function charset(spec: string): Charset {
  const table = new Uint8Array(128);
  for (let i = 0; i < spec.length; i++) {
    const a = spec.charCodeAt(i);
    if (spec[i + 1] === '-' && i + 2 < spec.length) {
      const b = spec.charCodeAt(i + 2);
      for (let c = a; c <= b; c++) table[c] = 1;
      i += 2;
    } else {
      table[a] = 1;
    }
  }
  return (c) => c >= 0 && c < 128 && table[c] === 1;
}

export const ALNUM = charset('A-Za-z0-9');
export const ALPHA = charset('A-Za-z');
export const DIGIT = charset('0-9');
export const HEX = charset('0-9a-f');
export const HEX_ANY_CASE = charset('0-9a-fA-F');
export const UPPER_ALNUM = charset('A-Z0-9');
export const LOWER_ALNUM = charset('a-z0-9');
/** URL-safe base64, as most modern token bodies use. */
export const B64URL = charset('A-Za-z0-9_-');
export const B64 = charset('A-Za-z0-9+/');
export const B64_PADDED = charset('A-Za-z0-9+/=');
/** Characters that make up a word; a token must not start or end inside one. */
export const WORD = charset('A-Za-z0-9_');

/** True when c is not a letter or digit: tokens start after such a character. */
export function isBoundary(c: number): boolean {
  return !ALNUM(c);
}
