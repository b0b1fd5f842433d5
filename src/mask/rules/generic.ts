/**
 * Generic secret assignments: `password = ...`, `API_SECRET: ...`, `"token": "..."`.
 * Nothing about the value's format is known, so it must look random (entropy, mixed character
 * kinds) and not like code (a variable, a call, an environment reference, a URL).
 */
import { entropy } from '../entropy.ts';
import { charset } from './charset.ts';
import { MORE, type Reader } from './reader.ts';
import { NAME_START, type Rule, type Span } from './rule.ts';
import { closesValue, isNameChar, readAssignment } from './shapes.ts';

const VALUE_MAX = 200;
const VALUE_MIN = 8;
const MIN_ENTROPY = 3;
/** Unquoted values: printable ASCII without separators, brackets or quotes. */
const BARE_VALUE = charset('A-Za-z0-9!#$%*+./:=?@^_~-');
/** What may follow an unquoted value; anything else (a call, an index) means code. */
const BARE_END = charset(' \t\r\n,;)}]&\\"\'`');
/**
 * Header and payload of a JSON Web Token: the jwt rule decides (one without a real signature,
 * `alg: none` in a test fixture, authenticates nothing).
 */
const JWT_SHAPED = /^eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]*(\.|$)/;
const IDENTIFIER_PATH = /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/;
/** Starts like an expression on an object: `e.usage.inputTokens+n`, `cfg.key`. */
const MEMBER_ACCESS = /^[A-Za-z_$][\w$]*\.[A-Za-z_$]/;

/**
 * Names of things about a secret, not the secret: `private_key_id`, `AUTH0_CLIENT_ID`,
 * `secretName`, `token_type`, `api_key_header`. Their values stay readable.
 */
const NOT_A_SECRET_NAME =
  /(?:[_.-]|[a-z](?=[A-Z])|^)(?:id|ids|name|names|type|types|uri|url|file|path|length|len|expiry|expires|expires_at|expires_in|endpoint|header|prefix|version|hint|count|size|format|kind|field|env|var|ttl|timeout|scope|scopes|usage|limit|location|arn|ref|label|hash|fingerprint|policy|rotation|provider|method|mode|source|store|type)$/i;

export const GENERIC_KEYWORDS = [
  'password', 'passwd', 'pwd', 'passphrase', 'secret', 'token', 'api_key', 'apikey', 'api-key',
  'access_key', 'accesskey', 'auth_key', 'private_key', 'signing_key', 'encryption_key',
  'master_key', 'credential', 'auth',
];

/**
 * Whether a value that begins with `prefix` can no longer be taken for a secret, however it
 * goes on (see looksRandom): an environment reference, a URL, brackets, three words, or,
 * unquoted, code on an object (`request.headers...`). Deciding this early releases the rest of the line as it comes.
 */
function neverRandom(prefix: string, quoted: boolean): boolean {
  if (prefix.startsWith('$') || prefix.includes('://') || /[[\]{}()]/.test(prefix)) return true;
  if (prefix.split(/\s+/).length >= 3) return true; // a phrase (or a PEM block: its own rule's)
  return !quoted && (prefix.includes('?.') || MEMBER_ACCESS.test(prefix));
}

/**
 * Where the value that begins at `start` ends; -1 when there is none, or when it cannot be a
 * secret whatever follows (then the rule need not wait for its end).
 */
function readValue(r: Reader, start: number, quote: number, data: boolean): number {
  try {
    return readValueEnd(r, start, quote);
  } catch (error) {
    if (error === MORE && neverRandom(r.slice(start, r.text.length), quote >= 0 || data)) return -1;
    throw error;
  }
}

function readValueEnd(r: Reader, start: number, quote: number): number {
  let pos = start;
  if (quote >= 0) {
    for (;;) {
      const c = r.at(pos);
      if (c === quote) return closesValue(r, pos, quote) ? pos : -1;
      if (c < 0 || c === 10 || c === 13 || pos - start >= VALUE_MAX) return -1;
      pos++;
    }
  }
  for (;;) {
    if (pos - start > VALUE_MAX) break;
    const c = r.at(pos);
    // "&" ends a value in a query string (`&user=`); elsewhere (.env files) it is part of it.
    if (BARE_VALUE(c) || (c === 38 && !startsParameter(r, pos + 1))) pos++;
    else break;
  }
  const after = r.at(pos);
  if (pos - start > VALUE_MAX || (after >= 0 && !BARE_END(after))) return -1;
  return pos;
}

function startsParameter(r: Reader, pos: number): boolean {
  let n = 0;
  while (n <= 40 && isNameChar(r.at(pos + n))) n++;
  return n > 0 && r.at(pos + n) === 61 /* = */;
}

function characterKinds(value: string): number {
  return (
    Number(/[a-z]/.test(value)) + Number(/[A-Z]/.test(value)) + Number(/[0-9]/.test(value)) + Number(/[^A-Za-z0-9]/.test(value))
  );
}

const SEPARATORS = /[_.\-/: ]+/;
/** A word, a capitalised word, an acronym, or a short number with a unit or version letter. */
const WORD_SEGMENT = /^(?:[a-z]+|[A-Z][a-z]+|[A-Z]{1,5}|[a-z]{0,3}[0-9]{1,4}[a-z]{0,3})$/;

/**
 * Names and phrases, not random values: "refresh_token", "gen_ai.usage.input_tokens",
 * "/v1/oauth/token", "BetaAPIKeyScopeMissingError". Letters-only values count as random only
 * when long and not made of camelCase words.
 */
export function looksLikeWords(value: string): boolean {
  const segments = value.split(SEPARATORS).filter(Boolean);
  if (segments.length > 1 && segments.every((segment) => WORD_SEGMENT.test(segment))) return true;
  if (/[0-9]/.test(value) || /[^A-Za-z0-9_.\-/: ]/.test(value)) return false;
  // Letters only: camelCase words are long ("Scope", "Missing"); random text cut at every
  // capital gives short pieces ("UjqwEDHRoyMaB": 2.6 on average).
  const words = value.match(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+/g) ?? [];
  const averageWord = words.reduce((sum, word) => sum + word.length, 0) / Math.max(1, words.length);
  return averageWord >= (value.length < 16 ? 3 : 3.5);
}

export function looksRandom(value: string, quoted: boolean): boolean {
  if (value.length < VALUE_MIN || entropy(value) < MIN_ENTROPY || characterKinds(value) < 2) return false;
  if (value.startsWith('$') || value.includes('://') || looksLikeWords(value)) return false;
  if (!quoted && (value.includes('?.') || MEMBER_ACCESS.test(value))) return false; // code: a.b.c, a?.b
  if (/[[\]{}()]/.test(value)) return false; // a pattern or an expression
  if (value.split(/\s+/).length >= 3 || /^\p{L}+(\s+[\p{L}.,;!?]+)+$/u.test(value)) return false; // a phrase
  // A bare name (`secret = config.secret`, `password = userPassword`) is a variable, not a value.
  if (!quoted && IDENTIFIER_PATH.test(value) && (value.includes('.') || !/[0-9]/.test(value))) return false;
  return true;
}

/**
 * @param holdsSpecificToken whether a value holds another rule's token: those rules know the
 *   format and name the finding better, so the generic rule leaves the value to them.
 */
export function genericAssignmentRule(holdsSpecificToken: (value: string) => boolean): Rule {
  return {
    id: 'generic-secret-assignment',
    keywords: GENERIC_KEYWORDS,
    foldCase: true,
    start: NAME_START,
    redactsAfterKeyword: true,
    match(r, kwStart, kwEnd): Span | null {
      // "tokenizer", "secretary": the keyword begins a longer word ("tokens", "secrets" still count).
      r.keep(kwEnd + 1); // the value comes after at least one more character (an operator)
      const next = r.at(kwEnd);
      if (next >= 97 && next <= 122 && !(next === 115 && !isNameChar(r.at(kwEnd + 1)))) return null;
      const assignment = readAssignment(r, kwEnd, (nameEnd) => !NOT_A_SECRET_NAME.test(r.slice(kwStart, nameEnd)));
      if (!assignment) return null;
      const { valueStart, quote } = assignment;
      r.keep(valueStart); // an opening quote is not the value
      const end = readValue(r, valueStart, quote, assignment.data === true);
      if (end < 0) return null;
      const value = r.slice(valueStart, end);
      // A value given as data (markup text, a name/value pair) is a string, never a variable.
      if (!looksRandom(value, quote >= 0 || assignment.data === true) || JWT_SHAPED.test(value) || holdsSpecificToken(value)) return null;
      return { start: valueStart, end };
    },
  };
}
