/**
 * Made-up credentials for tests: random bodies in each format's alphabet, from a seeded
 * generator, so that no real-looking secret is written into the repository as a literal.
 */
import { compileRuleset } from '../../src/mask/ruleset.ts';
import { maskingConfigSchema, type MaskingConfig } from '../../src/mask/config.ts';

let seed = 0x5eed;
function next(): number {
  // mulberry32
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

function expand(spec: string): string {
  let out = '';
  for (let i = 0; i < spec.length; i++) {
    if (spec[i + 1] === '-' && i + 2 < spec.length) {
      for (let c = spec.charCodeAt(i); c <= spec.charCodeAt(i + 2); c++) out += String.fromCharCode(c);
      i += 2;
    } else out += spec[i];
  }
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

/** n random characters from an alphabet spec such as "A-Za-z0-9". */
export function gen(alphabet: string, n: number): string {
  const chars = expand(alphabet);
  let out = '';
  for (let i = 0; i < n; i++) out += chars[Math.floor(next() * chars.length)];
  return out;
}

export function uuid(): string {
  return `${gen(HEX, 8)}-${gen(HEX, 4)}-${gen(HEX, 4)}-${gen(HEX, 4)}-${gen(HEX, 12)}`;
}

export function pem(label: string, lines = 6, newline = '\n'): string {
  const body = Array.from({ length: lines }, () => gen(B64, 64)).join(newline);
  return `-----BEGIN ${label}-----${newline}${body}${newline}-----END ${label}-----`;
}

export function config(overrides: Partial<MaskingConfig> = {}): MaskingConfig {
  return { ...maskingConfigSchema.parse(undefined), ...overrides };
}

export const ruleset = compileRuleset(config());
