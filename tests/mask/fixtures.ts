/**
 * Made-up credentials for tests: random bodies in each format's alphabet, from a seeded
 * generator, so that no real-looking secret is written into the repository as a literal.
 */
import { compileRuleset } from '../../src/mask/ruleset.ts';
import { maskingConfigSchema, type MaskingConfig } from '../../src/mask/config.ts';
// The same seeded generator as the benchmark corpus.
import { AL, AN, B64, B64U, D, HEX, LOW, Random, UP } from '../../bench/corpus/random.ts';

const random = new Random(0x5eed);

export { AL, AN, B64, B64U, D, HEX, LOW, UP };

/** n random characters from an alphabet spec such as "A-Za-z0-9". */
export function gen(alphabet: string, n: number): string {
  return random.chars(alphabet, n);
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
