/**
 * Reading the contents of a JSON string as UTF-16 code units straight from its raw UTF-8 bytes,
 * escapes included, without decoding it into a string: the redactor's fast path for deltas that
 * need no change. Anything unusual (a control character, a bad escape, malformed UTF-8, a
 * sequence cut at the end) is refused, and the caller takes the full path.
 */

/**
 * Reads one character at `i` (before `to`). Writes into `out`: [0] the code unit (the high
 * surrogate for a 4-byte sequence), [1] its low surrogate or -1, [2] 1 when it was one plain
 * ASCII byte (so the raw bytes and the units line up one for one there), else 0.
 * Returns where the next character starts, or -1 when the bytes need the full path.
 */
export function readJsonUnit(bytes: Uint8Array, i: number, to: number, out: Int32Array): number {
  const b = bytes[i]!;
  out[1] = -1;
  out[2] = 0;
  if (b === 0x5c) {
    const e = bytes[i + 1];
    let unit: number;
    let next = i + 2;
    if (e === 0x6e) unit = 10;
    else if (e === 0x22 || e === 0x5c || e === 0x2f) unit = e;
    else if (e === 0x74) unit = 9;
    else if (e === 0x72) unit = 13;
    else if (e === 0x75 && next + 4 <= to) {
      unit = hex4(bytes, next);
      if (unit < 0) return -1;
      next += 4;
    } else if (e === 0x62) unit = 8;
    else if (e === 0x66) unit = 12;
    else return -1;
    if (next > to) return -1;
    out[0] = unit;
    return next;
  }
  if (b < 0x80) {
    if (b === 0x22 || b < 0x20) return -1;
    out[0] = b;
    out[2] = 1;
    return i + 1;
  }
  if (b >= 0xc2 && b < 0xe0 && i + 1 < to && isTail(bytes[i + 1]!)) {
    out[0] = ((b & 0x1f) << 6) | (bytes[i + 1]! & 0x3f);
    return i + 2;
  }
  if (b >= 0xe0 && b < 0xf0 && i + 2 < to && isTail(bytes[i + 1]!) && isTail(bytes[i + 2]!)) {
    const unit = ((b & 0x0f) << 12) | ((bytes[i + 1]! & 0x3f) << 6) | (bytes[i + 2]! & 0x3f);
    if (unit < 0x800 || (unit >= 0xd800 && unit < 0xe000)) return -1;
    out[0] = unit;
    return i + 3;
  }
  if (b >= 0xf0 && b < 0xf5 && i + 3 < to && isTail(bytes[i + 1]!) && isTail(bytes[i + 2]!) && isTail(bytes[i + 3]!)) {
    const cp = ((b & 0x07) << 18) | ((bytes[i + 1]! & 0x3f) << 12) | ((bytes[i + 2]! & 0x3f) << 6) | (bytes[i + 3]! & 0x3f);
    if (cp < 0x10000 || cp > 0x10ffff) return -1;
    out[0] = 0xd800 + ((cp - 0x10000) >> 10);
    out[1] = 0xdc00 + ((cp - 0x10000) & 0x3ff);
    return i + 4;
  }
  return -1;
}

/** The units at positions [from, to) of a ring buffer whose size is a power of two. */
export function contextUnits(ring: Uint16Array, from: number, to: number): number[] {
  const mask = ring.length - 1;
  const units: number[] = [];
  for (let p = from; p < to; p++) units.push(ring[p & mask]!);
  return units;
}

export function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}

function hex4(bytes: Uint8Array, at: number): number {
  let value = 0;
  for (let k = 0; k < 4; k++) {
    const b = bytes[at + k]!;
    const digit = b >= 48 && b <= 57 ? b - 48 : b >= 97 && b <= 102 ? b - 87 : b >= 65 && b <= 70 ? b - 55 : -1;
    if (digit < 0) return -1;
    value = value * 16 + digit;
  }
  return value;
}

function isTail(b: number): boolean {
  return (b & 0xc0) === 0x80;
}
