/** A seeded generator (mulberry32): the corpus is the same on every run, and no secret-shaped literal is committed. */
export class Random {
  constructor(private seed: number) {}

  next(): number {
    this.seed = (this.seed + 0x6d2b79f5) | 0;
    let t = this.seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** n characters from an alphabet written like "A-Za-z0-9_-". */
  chars(alphabet: string, n: number): string {
    const set = expand(alphabet);
    let out = '';
    for (let i = 0; i < n; i++) out += set[Math.floor(this.next() * set.length)];
    return out;
  }

  bytes(n: number): Uint8Array {
    return Uint8Array.from({ length: n }, () => Math.floor(this.next() * 256));
  }
}

const expanded = new Map<string, string>();
function expand(spec: string): string {
  let out = expanded.get(spec);
  if (out !== undefined) return out;
  out = '';
  for (let i = 0; i < spec.length; i++) {
    if (spec[i + 1] === '-' && i + 2 < spec.length) {
      for (let c = spec.charCodeAt(i); c <= spec.charCodeAt(i + 2); c++) out += String.fromCharCode(c);
      i += 2;
    } else out += spec[i];
  }
  expanded.set(spec, out);
  return out;
}

export const AN = 'A-Za-z0-9';
export const HEX = '0-9a-f';
export const B64U = 'A-Za-z0-9_-';
export const B64 = 'A-Za-z0-9+/';
export const UP = 'A-Z0-9';
export const LOW = 'a-z0-9';
export const AL = 'A-Za-z';
export const D = '0-9';

export function base64(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes));
}
