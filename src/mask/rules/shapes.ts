/**
 * The two shapes most credentials take, as rule builders:
 *  - tokenRule: a fixed public prefix (the keyword) followed by a secret body of known alphabet
 *    and length; only the body is redacted;
 *  - assignmentRule: a name (the keyword) assigned a value, `NAME = value`, `"name": "value"`.
 * Bodies are read possessively (no backtracking), so a match costs at most its own length.
 */
import { ALNUM, type Charset } from './charset.ts';
import type { Reader } from './reader.ts';
import { NAME_START, WORD_START, type KeywordStart, type Rule, type Span } from './rule.ts';

/** A literal, or a run of `chars` between min and max long. */
export type Segment = string | { chars: Charset; min: number; max: number };

export function run(chars: Charset, min: number, max = min): Segment {
  return { chars, min, max };
}

/** Reads `segments` from pos; returns the end, or -1 when they are not there. */
export function readSegments(r: Reader, pos: number, segments: readonly Segment[]): number {
  for (const segment of segments) {
    if (typeof segment === 'string') {
      if (!r.startsWith(pos, segment)) return -1;
      pos += segment.length;
      continue;
    }
    let n = 0;
    while (n <= segment.max && segment.chars(r.at(pos + n))) n++;
    if (n > segment.max || n < segment.min) return -1;
    pos += n;
  }
  return pos;
}

function lastChars(segments: readonly Segment[]): Charset {
  const last = segments[segments.length - 1];
  return last === undefined || typeof last === 'string' ? ALNUM : last.chars;
}

export interface TokenSpec {
  id: string;
  /**
   * The token's documented public prefix ("ghp_", "AKIA", "xoxb-"): format, not secret. It
   * stays readable, so text can be released while a prefix is still forming.
   */
  keywords: string[];
  /** What follows the keyword. */
  then: Segment[];
  /** Characters that may not follow the token; defaults to the last run's alphabet plus ALNUM. */
  end?: Charset;
  /**
   * Index of the segment the redaction starts at: 0 (the default) redacts everything after the
   * keyword; a later index keeps more of a documented prefix ("sk-ant-api" + "03-").
   */
  redactFrom?: number;
  /** Last say, given the redacted span and the whole token (prefix included). */
  check?: (value: string, token: string) => boolean;
  foldCase?: boolean;
  start?: KeywordStart;
}

export function tokenRule(spec: TokenSpec): Rule {
  const tail = lastChars(spec.then);
  const end = spec.end ?? ((c: number) => tail(c) || ALNUM(c));
  // The documented prefix after the keyword (kept, released as it is read), then the body.
  const kept = spec.then.slice(0, spec.redactFrom ?? 0);
  const body = spec.then.slice(spec.redactFrom ?? 0);
  return {
    id: spec.id,
    keywords: spec.keywords,
    foldCase: spec.foldCase ?? false,
    start: spec.start ?? WORD_START,
    redactsAfterKeyword: true,
    match(r, kwStart, kwEnd): Span | null {
      const start = readSegments(r, kwEnd, kept);
      if (start < 0) return null;
      r.keep(start);
      const stop = readSegments(r, start, body);
      if (stop < 0 || end(r.at(stop))) return null;
      if (spec.check && !spec.check(r.slice(start, stop), r.slice(kwStart, stop))) return null;
      return { start, end: stop, whole: kwStart };
    },
  };
}

const NAME_TAIL_MAX = 40;
const GAP_MAX = 4;

export function isNameChar(c: number): boolean {
  return ALNUM(c) || c === 95 /* _ */ || c === 45 /* - */ || c === 46 /* . */;
}

function isGap(c: number): boolean {
  return c === 32 || c === 9;
}

function isQuote(c: number): boolean {
  return c === 34 || c === 39 || c === 96;
}

/** Whether the value ends at `pos` with its closing quote (or, for element text, a closing tag). */
export function closesValue(r: Reader, pos: number, quote: number): boolean {
  return r.at(pos) === quote && (quote !== ELEMENT_TEXT || r.at(pos + 1) === 47 /* / */);
}

/** `<` as the "quote" of a markup element's text: the value runs to the closing tag. */
export const ELEMENT_TEXT = 60;
/** How far a separate value line or attribute may be from its name. */
const PAIR_GAP_MAX = 80;

export interface Assignment {
  valueStart: number;
  /** The quote that opened the value (its closing twin ends it), ELEMENT_TEXT, or -1 (bare). */
  quote: number;
  /** Where the name that contains the keyword ends. */
  nameEnd: number;
  /** The value stands as data (markup text, the value of a name/value pair), not as code. */
  data?: boolean;
}

/**
 * Reads an assignment after the keyword (which may sit inside a longer name such as DD_API_KEY
 * or ddApiKey), in the forms names and values are written in:
 *  - `NAME = value`, `NAME: value`, `"name": "value"`, `NAME := value`, `name => value`;
 *  - subscripts and map entries: `env["NAME"] = value`, `$cfg['name'] = value`, and a quoted
 *    name and quoted value as call arguments, `define('NAME', 'value')`;
 *  - markup: `<name>value</name>`, and a name attribute followed by a value attribute or text,
 *    `<add key="Name" value="..."/>`, `<entry key="name">value</entry>`;
 *  - a name/value pair on separate lines or fields: `- name: NAME` then `value: ...`
 *    (Kubernetes, compose), `{"name": "NAME", "value": "..."}` (task definitions).
 * Returns null when no assignment follows, or when `nameIsSecret` (asked as soon as the name
 * is complete) says the name is not one of a secret. Everything before the value is the
 * name's: it is kept (`Reader.keep`) as it is read.
 */
export function readAssignment(r: Reader, kwEnd: number, nameIsSecret?: (nameEnd: number) => boolean): Assignment | null {
  let pos = kwEnd;
  let n = 0;
  for (;;) {
    // The character after the name (an operator, a quote, a gap) is never the value either.
    r.keep(pos + 1);
    if (n > NAME_TAIL_MAX || !isNameChar(r.at(pos))) break;
    pos++;
    n++;
  }
  if (n > NAME_TAIL_MAX) return null;
  const nameEnd = pos;
  if (nameIsSecret && !nameIsSecret(nameEnd)) return null;
  const quoted = isQuote(r.at(pos));
  if (quoted) pos++;
  r.keep(pos);
  if (r.at(pos) === 93 /* ] */) pos++;
  for (n = 0; n < GAP_MAX && isGap(r.at(pos)); n++) r.keep(++pos);
  const op = r.at(pos);
  r.keep(pos + 1); // the operator (or a separator before a paired value) is never the value
  if (op === 61 /* = */) {
    const next = r.at(pos + 1);
    if (next === 61 || next === 126 /* ~ */) return null; // a comparison, not an assignment
    pos += next === 62 /* > */ ? 2 : 1;
  } else if (op === 58 /* : */) {
    pos += r.at(pos + 1) === 61 ? 2 : 1;
  } else if (op === 62 /* > */ && pos === nameEnd + (quoted ? 1 : 0)) {
    return elementText(r, pos + 1, nameEnd);
  } else if (quoted || op === 13 || op === 10) {
    return pairedValue(r, pos, nameEnd);
  } else {
    return null;
  }
  r.keep(pos);
  for (n = 0; n < GAP_MAX && isGap(r.at(pos)); n++) r.keep(++pos);
  const quote = r.at(pos);
  if (isQuote(quote)) return { valueStart: pos + 1, quote, nameEnd };
  // `- name: API_TOKEN` then `value: ...`: the name was itself a value.
  if (quote === 13 || quote === 10) return pairedValue(r, pos, nameEnd);
  return { valueStart: pos, quote: -1, nameEnd };
}

/** `<password>value</password>`: text up to a closing tag. */
function elementText(r: Reader, start: number, nameEnd: number): Assignment | null {
  if (r.at(start) === 60 /* < */) return null;
  return { valueStart: start, quote: ELEMENT_TEXT, nameEnd, data: true };
}

/**
 * After a quoted name (or a name ending its line): `, 'value'` (call arguments), ` value="..."`
 * (an attribute), `>value</` (element text), or `value: ...` on one of the next lines.
 */
function pairedValue(r: Reader, pos: number, nameEnd: number): Assignment | null {
  const from = pos;
  let lines = 0;
  for (;;) {
    r.keep(pos);
    const c = r.at(pos);
    if (pos - from > PAIR_GAP_MAX) return null;
    if (c === 10) {
      if (++lines > 2) return null;
      pos++;
    } else if (c === 13 || isGap(c)) pos++;
    else break;
  }
  r.keep(pos + 1); // the value starts after a separator, a `>` or the word "value"
  const c = r.at(pos);
  if (c === 44 /* , */ && lines === 0) {
    pos++;
    while (pos - from <= PAIR_GAP_MAX && isGap(r.at(pos))) pos++;
    // {"name": "X_TOKEN", "value": "..."}
    if (r.startsWith(pos, '"value"', true)) return afterValueKey(r, pos + 7, nameEnd);
    const quote = r.at(pos);
    return isQuote(quote) ? { valueStart: pos + 1, quote, nameEnd } : null;
  }
  if (c === 62 /* > */ && lines === 0) return elementText(r, pos + 1, nameEnd);
  if (r.startsWith(pos, 'value', true)) return afterValueKey(r, pos + 5, nameEnd);
  if (r.startsWith(pos, '"value"', true)) return afterValueKey(r, pos + 7, nameEnd);
  return null;
}

/** After the word `value` of a name/value pair: `: v`, `= "v"`, `": "v"`. */
function afterValueKey(r: Reader, pos: number, nameEnd: number): Assignment | null {
  let n = 0;
  while (n < GAP_MAX && isGap(r.at(pos))) {
    pos++;
    n++;
  }
  const op = r.at(pos);
  if (op !== 58 && op !== 61) return null;
  pos++;
  for (n = 0; n < GAP_MAX && isGap(r.at(pos)); n++) pos++;
  const quote = r.at(pos);
  if (isQuote(quote)) return { valueStart: pos + 1, quote, nameEnd };
  if (quote < 0 || quote === 10 || quote === 13) return null;
  return { valueStart: pos, quote: -1, nameEnd, data: true };
}

export interface AssignmentSpec {
  id: string;
  /** Names (folded to lower case) that introduce the value, e.g. "aws_secret_access_key". */
  keywords: string[];
  value: Segment[];
  check?: (value: string) => boolean;
}

/** `NAME = value`, where NAME contains a keyword and value has a known shape. */
export function assignmentRule(spec: AssignmentSpec): Rule {
  const tail = lastChars(spec.value);
  return {
    id: spec.id,
    keywords: spec.keywords,
    foldCase: true,
    start: NAME_START,
    redactsAfterKeyword: true,
    match(r, _kwStart, kwEnd): Span | null {
      const assignment = readAssignment(r, kwEnd);
      if (!assignment) return null;
      const { valueStart, quote } = assignment;
      r.keep(valueStart);
      const stop = readSegments(r, valueStart, spec.value);
      if (stop < 0) return null;
      if (quote >= 0 ? !closesValue(r, stop, quote) : tail(r.at(stop)) || ALNUM(r.at(stop))) return null;
      if (spec.check && !spec.check(r.slice(valueStart, stop))) return null;
      return { start: valueStart, end: stop };
    },
  };
}
