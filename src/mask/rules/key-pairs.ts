/**
 * Secret keys that come in a pair with a key id: AWS (AKIA... and a 40-character secret
 * access key), Alibaba Cloud (LTAI... and a 30-character AccessKey secret). The secret has no
 * prefix. It is recognised when assigned to one of its documented names, or, with no
 * assignment around it, when a string of its exact shape follows a recognised key id closely
 * (a credentials listing, prose): the id makes that string certain.
 */
import { entropy } from '../entropy.ts';
import { looksLikePlaceholder } from '../placeholders.ts';
import { ALNUM, UPPER_ALNUM, charset, type Charset } from './charset.ts';
import type { Reader } from './reader.ts';
import { NAME_START, type Rule, type Span } from './rule.ts';
import { readSegments, readAssignment, run, closesValue, type Segment } from './shapes.ts';

/**
 * How far after the key id its secret is looked for (the text after an id waits that long at
 * most): the same line, the next, or the next field of a listing.
 */
const NEAR = 100;

interface KeyPairSpec {
  id: string;
  /** Names the secret is assigned to (folded to lower case). */
  names: string[];
  /** Key id prefixes (exact case) and what follows them. */
  idPrefixes: string[];
  idBody: Segment[];
  secretChars: Charset;
  secretLength: number;
}

/** A random key: both letter cases and digits, and about as many distinct characters as random text has. */
function looksLikeKey(value: string): boolean {
  return /[a-z]/.test(value) && /[A-Z]/.test(value) && /[0-9]/.test(value) && entropy(value) >= 4;
}

function keyPairRule(spec: KeyPairSpec): Rule {
  const { secretChars, secretLength } = spec;
  const secretAt = (r: Reader, pos: number): boolean => {
    let n = 0;
    while (n <= secretLength && secretChars(r.at(pos + n))) n++;
    return n === secretLength && !ALNUM(r.at(pos + n)) && r.at(pos + n) !== 61 /* = */ && looksLikeKey(r.slice(pos, pos + n));
  };
  const nearId = (r: Reader, kwStart: number, kwEnd: number): Span | null => {
    if (ALNUM(r.at(kwStart - 1)) || !spec.idPrefixes.some((prefix) => r.startsWith(kwStart, prefix))) return null;
    const idEnd = readSegments(r, kwEnd, spec.idBody);
    // A documentation example id (AKIAIOSFODNN7EXAMPLE) comes with an example secret.
    if (idEnd < 0 || ALNUM(r.at(idEnd)) || looksLikePlaceholder(r.slice(kwStart, idEnd))) return null;
    for (let pos = idEnd; pos - idEnd < NEAR; ) {
      r.keep(pos); // no secret starts before here: the text between id and secret is released
      const c = r.at(pos);
      if (c < 0 || (c === 10 && r.at(pos + 1) === 10)) return null; // the end, or a blank line
      if (!secretChars(c)) {
        pos++;
        continue;
      }
      if (!secretChars(r.at(pos - 1)) && secretAt(r, pos)) return { start: pos, end: pos + secretLength };
      while (secretChars(r.at(pos))) pos++;
    }
    return null;
  };
  const assigned = (r: Reader, kwEnd: number): Span | null => {
    const assignment = readAssignment(r, kwEnd);
    if (!assignment) return null;
    const { valueStart, quote } = assignment;
    r.keep(valueStart);
    let n = 0;
    while (n <= secretLength && secretChars(r.at(valueStart + n))) n++;
    const stop = valueStart + n;
    if (n !== secretLength || (quote >= 0 ? !closesValue(r, stop, quote) : ALNUM(r.at(stop)) || secretChars(r.at(stop)))) return null;
    return { start: valueStart, end: stop };
  };
  return {
    id: spec.id,
    keywords: [...spec.names, ...spec.idPrefixes],
    foldCase: true,
    start: NAME_START,
    redactsAfterKeyword: true,
    looksPastKeyword: true,
    match(r, kwStart, kwEnd) {
      const isId = spec.idPrefixes.some((prefix) => prefix.length === kwEnd - kwStart && r.startsWith(kwStart, prefix));
      return isId ? nearId(r, kwStart, kwEnd) : assigned(r, kwEnd);
    },
  };
}

export const keyPairRules: Rule[] = [
  keyPairRule({
    id: 'aws-secret-access-key',
    names: ['aws_secret_access_key', 'aws_secret_key', 'secretaccesskey', 'aws-secret-access-key', 'secret_access_key'],
    idPrefixes: ['AKIA', 'ASIA'],
    idBody: [run(UPPER_ALNUM, 16)],
    secretChars: charset('A-Za-z0-9/+'),
    secretLength: 40,
  }),
  keyPairRule({
    id: 'alibaba-access-key-secret',
    names: ['access_key_secret', 'accesskeysecret', 'alibaba_cloud_access_key_secret', 'alicloud_secret_key'],
    idPrefixes: ['LTAI'],
    idBody: [run(ALNUM, 12, 20)],
    secretChars: ALNUM,
    secretLength: 30,
  }),
];
