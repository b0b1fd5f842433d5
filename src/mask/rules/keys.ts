/**
 * Key material: PEM private keys (RSA, EC, DSA, OpenSSH, PGP, PKCS#8), JSON Web Tokens.
 * Only the secret part is redacted: a key's body (not its BEGIN/END lines), a token's text
 * after "eyJ" (the base64 of '{"' that every JWT begins with).
 */
import { B64URL, charset } from './charset.ts';
import type { Reader } from './reader.ts';
import { ANYWHERE, type Rule, type Span } from './rule.ts';
import { run, tokenRule } from './shapes.ts';

/** Base64 lines, PEM headers (Proc-Type: 4,ENCRYPTED) and "\n" escapes inside JSON strings. */
const PEM_BODY = charset('A-Za-z0-9+/=:,\\ \t\r\n-');
const PEM_MAX = 16 * 1024;
/** The body without "-": swallowing a key cut by the hold-back cap stops at its END line. */
const PEM_CONTINUATION = charset('A-Za-z0-9+/=:,\\ \t\r\n');
/** Fewer base64 characters than this between the lines is an example ("...", "<key>"), not a key. */
const PEM_MIN_BODY = 32;

/**
 * Where the key's body ends: at the matching END line, or, without one (a truncated or
 * still-growing key), where the text stops looking like the key body.
 */
function readPem(r: Reader, bodyStart: number, label: string): number {
  const endLine = `-----END ${label}-----`;
  let pos = bodyStart;
  while (pos - bodyStart < PEM_MAX) {
    const c = r.at(pos);
    if (c === 45 /* - */ && r.startsWith(pos, endLine)) return pos;
    if (c === 45 && r.at(pos + 1) === 45) return pos; // some other boundary line: the body ended
    if (!PEM_BODY(c)) return pos;
    pos++;
  }
  return pos;
}

function base64Characters(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 43 || c === 47) n++;
  }
  return n;
}

/** Line breaks (and their escapes inside a JSON string) before and after a body. */
const LEADING_LAYOUT = /^(?:\\[nr]|[ \t\r\n])+/;
const TRAILING_LAYOUT = /(?:\\[nr]|[ \t\r\n])+$/;

/**
 * The BEGIN and END lines are the format's public framing; the span covers the body between
 * them, without the line breaks that frame it, so the redacted key reads
 * "-----BEGIN ...-----\n[REDACTED:...]\n-----END ...-----".
 */
function pemSpan(r: Reader, kwStart: number, bodyStart: number, label: string): Span | null {
  const body = readPem(r, bodyStart, label);
  const text = r.slice(bodyStart, body);
  if (base64Characters(text.replaceAll('\\n', '')) < PEM_MIN_BODY) return null;
  const lead = LEADING_LAYOUT.exec(text)?.[0].length ?? 0;
  const trail = lead === text.length ? 0 : (TRAILING_LAYOUT.exec(text)?.[0].length ?? 0);
  return { start: bodyStart + lead, end: body - trail, whole: kwStart };
}

function pem(id: string, label: string): Rule {
  const begin = `-----BEGIN ${label}-----`;
  return {
    id,
    keywords: [begin],
    foldCase: false,
    start: ANYWHERE,
    redactsAfterKeyword: true,
    match: (r, kwStart, kwEnd) => pemSpan(r, kwStart, kwEnd, label),
    continuation: PEM_CONTINUATION,
  };
}

/**
 * A service-account JSON file: the PKCS#8 key inside "private_key", with \n escapes. The
 * keyword is the BEGIN line; the field name is checked behind it, so that a trailing quote
 * (which could start the field name) never has to be held back.
 */
const SERVICE_ACCOUNT_FIELD = /"private_key"\s*:\s*"$/;
const gcpServiceAccountKey: Rule = {
  id: 'gcp-service-account-private-key',
  keywords: ['-----BEGIN PRIVATE KEY-----'],
  foldCase: false,
  start: ANYWHERE,
  redactsAfterKeyword: true,
  match(r, kwStart, kwEnd) {
    if (!SERVICE_ACCOUNT_FIELD.test(r.slice(Math.max(r.lo, kwStart - 20), kwStart))) return null;
    return pemSpan(r, kwStart, kwEnd, 'PRIVATE KEY');
  },
  continuation: PEM_CONTINUATION,
};

export const keyRules: Rule[] = [
  gcpServiceAccountKey,
  pem('pem-rsa-private-key', 'RSA PRIVATE KEY'),
  pem('pem-ec-private-key', 'EC PRIVATE KEY'),
  pem('pem-dsa-private-key', 'DSA PRIVATE KEY'),
  pem('pem-openssh-private-key', 'OPENSSH PRIVATE KEY'),
  pem('pem-pgp-private-key', 'PGP PRIVATE KEY BLOCK'),
  pem('pem-encrypted-private-key', 'ENCRYPTED PRIVATE KEY'),
  pem('pem-private-key', 'PRIVATE KEY'),
  pem('putty-private-key', 'SSH2 ENCRYPTED PRIVATE KEY'),
  // header.payload.signature, each base64url; header and payload are JSON objects ("eyJ" = '{"').
  tokenRule({
    id: 'jwt',
    keywords: ['eyJ'],
    then: [run(B64URL, 10, 2000), '.', run(B64URL, 10, 8000), '.', run(B64URL, 16, 1000)],
    check: (v) => v.slice(v.indexOf('.') + 1).startsWith('eyJ'),
  }),
];
