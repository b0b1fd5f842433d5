/**
 * Generic secret assignments: `password = ...`, `API_SECRET: ...`, `"token": "..."`.
 * Nothing about the value's format is known, so it must look random (entropy, mixed character
 * kinds) and not like code (a variable, a call, an environment reference, a URL).
 */
import { entropy } from '../entropy.ts';
import { charset } from './charset.ts';
import type { Reader } from './reader.ts';
import { NAME_START, type Rule, type Span } from './rule.ts';
import { readAssignment } from './shapes.ts';

const VALUE_MAX = 200;
const VALUE_MIN = 8;
const MIN_ENTROPY = 3;
/** Unquoted values: printable ASCII without separators, brackets or quotes. */
const BARE_VALUE = charset('A-Za-z0-9!#$%*+./:=?@^_|~-');
/** What may follow an unquoted value; anything else (a call, an index) means code. */
const BARE_END = charset(' \t\r\n,;)}]&\\"\'`');
const IDENTIFIER_PATH = /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/;

export const GENERIC_KEYWORDS = [
  'password', 'passwd', 'pwd', 'secret', 'token', 'api_key', 'apikey', 'api-key',
  'access_key', 'accesskey', 'auth_key', 'private_key', 'credential',
];

function readValue(r: Reader, start: number, quote: number): number {
  let pos = start;
  if (quote >= 0) {
    for (;;) {
      const c = r.at(pos);
      if (c === quote) return pos;
      if (c < 0 || c === 10 || c === 13 || pos - start >= VALUE_MAX) return -1;
      pos++;
    }
  }
  while (pos - start <= VALUE_MAX && BARE_VALUE(r.at(pos))) pos++;
  const after = r.at(pos);
  if (pos - start > VALUE_MAX || (after >= 0 && !BARE_END(after))) return -1;
  return pos;
}

function characterKinds(value: string): number {
  return (
    Number(/[a-z]/.test(value)) + Number(/[A-Z]/.test(value)) + Number(/[0-9]/.test(value)) + Number(/[^A-Za-z0-9]/.test(value))
  );
}

export function looksRandom(value: string, quoted: boolean): boolean {
  if (value.length < VALUE_MIN || entropy(value) < MIN_ENTROPY || characterKinds(value) < 2) return false;
  if (value.startsWith('$') || value.includes('://')) return false;
  // A bare name (`secret = config.secret`, `password = userPassword`) is a variable, not a value.
  if (!quoted && IDENTIFIER_PATH.test(value) && (value.includes('.') || !/[0-9]/.test(value))) return false;
  return true;
}

/**
 * @param startsSpecificToken whether a value begins with another rule's keyword: those rules
 *   know the format and name the finding better, so the generic rule leaves the value to them.
 */
export function genericAssignmentRule(startsSpecificToken: (value: string) => boolean): Rule {
  return {
    id: 'generic-secret-assignment',
    keywords: GENERIC_KEYWORDS,
    foldCase: true,
    start: NAME_START,
    match(r, _kwStart, kwEnd): Span | null {
      const assignment = readAssignment(r, kwEnd);
      if (!assignment) return null;
      const { valueStart, quote } = assignment;
      const end = readValue(r, valueStart, quote);
      if (end < 0) return null;
      const value = r.slice(valueStart, end);
      if (!looksRandom(value, quote >= 0) || startsSpecificToken(value)) return null;
      return { start: valueStart, end };
    },
  };
}
