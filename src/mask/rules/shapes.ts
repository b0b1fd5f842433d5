/**
 * The two shapes most credentials take, as rule builders:
 *  - tokenRule: a fixed prefix (the keyword) followed by a body of known alphabet and length;
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
export function readSegments(r: Reader, pos: number, segments: readonly Segment[], starts?: number[]): number {
  for (const segment of segments) {
    starts?.push(pos);
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
  keywords: string[];
  /** What follows the keyword. */
  then: Segment[];
  /** Characters that may not follow the token; defaults to the last run's alphabet plus ALNUM. */
  end?: Charset;
  /** Index of the segment the redaction starts at; by default the keyword is redacted too. */
  redactFrom?: number;
  /** Last say on the token text (the redacted span). */
  check?: (value: string) => boolean;
  foldCase?: boolean;
  start?: KeywordStart;
}

export function tokenRule(spec: TokenSpec): Rule {
  const tail = lastChars(spec.then);
  const end = spec.end ?? ((c: number) => tail(c) || ALNUM(c));
  return {
    id: spec.id,
    keywords: spec.keywords,
    foldCase: spec.foldCase ?? false,
    start: spec.start ?? WORD_START,
    redactsAfterKeyword: spec.redactFrom !== undefined,
    match(r, kwStart, kwEnd): Span | null {
      const starts: number[] = [];
      const stop = readSegments(r, kwEnd, spec.then, starts);
      if (stop < 0 || end(r.at(stop))) return null;
      const start = spec.redactFrom === undefined ? kwStart : (starts[spec.redactFrom] ?? kwStart);
      if (spec.check && !spec.check(r.slice(start, stop))) return null;
      return { start, end: stop };
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

/**
 * Reads `name = value` after the keyword (the keyword may sit inside a longer name such as
 * DD_API_KEY or ddApiKey). Returns where the value starts and which quote opened it (or -1),
 * or null when no assignment follows.
 */
export function readAssignment(r: Reader, kwEnd: number): { valueStart: number; quote: number } | null {
  let pos = kwEnd;
  let n = 0;
  while (n <= NAME_TAIL_MAX && isNameChar(r.at(pos))) {
    pos++;
    n++;
  }
  if (n > NAME_TAIL_MAX) return null;
  if (isQuote(r.at(pos))) pos++;
  for (n = 0; n < GAP_MAX && isGap(r.at(pos)); n++) pos++;
  const op = r.at(pos);
  if (op === 61 /* = */) {
    const next = r.at(pos + 1);
    if (next === 61 || next === 126 /* ~ */) return null; // a comparison, not an assignment
    pos += next === 62 /* > */ ? 2 : 1;
  } else if (op === 58 /* : */) {
    pos += r.at(pos + 1) === 61 ? 2 : 1;
  } else {
    return null;
  }
  for (n = 0; n < GAP_MAX && isGap(r.at(pos)); n++) pos++;
  const quote = r.at(pos);
  if (isQuote(quote)) return { valueStart: pos + 1, quote };
  return { valueStart: pos, quote: -1 };
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
      const stop = readSegments(r, valueStart, spec.value);
      if (stop < 0) return null;
      const after = r.at(stop);
      if (quote >= 0 ? after !== quote : tail(after) || ALNUM(after)) return null;
      if (spec.check && !spec.check(r.slice(valueStart, stop))) return null;
      return { start: valueStart, end: stop };
    },
  };
}
