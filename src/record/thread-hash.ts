/**
 * A fast synchronous 128-bit string hash for the thread index, which lives in memory only:
 * it tells which earlier exchange a request continues, and is never stored or trusted for
 * integrity (records are chained with SHA-256). Four 32-bit lanes, each a multiply-xorshift
 * over the UTF-16 code units with its own seed, mixed into each other at the end.
 */
export function hash128(text: string): string {
  return hashLanes(text)
    .map((lane) => (lane >>> 0).toString(16).padStart(8, '0'))
    .join('');
}

/** The four 32-bit lanes of the hash, each an unsigned integer. */
export function hashLanes(text: string): [number, number, number, number] {
  let a = 0x9e3779b1 ^ text.length;
  let b = 0x85ebca77;
  let c = 0xc2b2ae3d;
  let d = 0x27d4eb2f;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    a = Math.imul(a ^ unit, 0x01000193);
    b = Math.imul(b ^ unit, 0x5bd1e995);
    c = Math.imul(c ^ unit, 0x1b873593);
    d = Math.imul(d ^ unit, 0xcc9e2d51);
    b ^= a >>> 15;
    d ^= c >>> 13;
  }
  a = Math.imul(a ^ (c >>> 16), 0x85ebca6b);
  b = Math.imul(b ^ (d >>> 13), 0xc2b2ae35);
  c = Math.imul(c ^ (a >>> 16), 0x27d4eb2f);
  d = Math.imul(d ^ (b >>> 15), 0x165667b1);
  a ^= d >>> 16;
  b ^= c >>> 13;
  return [a >>> 0, b >>> 0, c >>> 0, d >>> 0];
}
