/** Key material: PEM private keys (RSA, EC, DSA, OpenSSH, PGP, PKCS#8), JSON Web Tokens. */
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
 * From the BEGIN line through the matching END line. Without an END line (a truncated or
 * still-growing key), the redaction covers everything that still looks like the key body.
 */
function readPem(r: Reader, bodyStart: number, label: string): number {
  const endLine = `-----END ${label}-----`;
  let pos = bodyStart;
  while (pos - bodyStart < PEM_MAX) {
    const c = r.at(pos);
    if (c === 45 /* - */ && r.startsWith(pos, endLine)) return pos + endLine.length;
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

function pemSpan(r: Reader, start: number, bodyStart: number, label: string): Span | null {
  const end = readPem(r, bodyStart, label);
  const body = r.slice(bodyStart, end).replace(`-----END ${label}-----`, '').replaceAll('\\n', '');
  return base64Characters(body) < PEM_MIN_BODY ? null : { start, end };
}

function pem(id: string, label: string): Rule {
  const begin = `-----BEGIN ${label}-----`;
  return {
    id,
    keywords: [begin],
    foldCase: false,
    start: ANYWHERE,
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
