/** Credentials carried by the web's own mechanisms: URLs with passwords, Authorization headers. */
import { ALNUM, B64, charset } from './charset.ts';
import { entropy } from '../entropy.ts';
import type { Reader } from './reader.ts';
import { ANYWHERE, type Rule } from './rule.ts';
import { run, tokenRule } from './shapes.ts';

const SCHEME = charset('A-Za-z0-9+.-');
const USERINFO_STOP = charset(':@/?#"\'`<> \t\r\n\\');
const DATABASE_SCHEMES = new Set([
  'postgres', 'postgresql', 'mysql', 'mariadb', 'mongodb', 'mongodb+srv', 'redis', 'rediss',
  'amqp', 'amqps', 'mssql', 'sqlserver', 'oracle', 'cockroachdb', 'clickhouse', 'neo4j',
  'neo4j+s', 'bolt', 'cassandra', 'couchdb', 'memcached', 'kafka', 'nats', 'ldap', 'ldaps',
]);
/** Words people write where a password goes in an example URL. */
const EXAMPLE_PASSWORDS = new Set(['password', 'pass', 'passwd', 'pwd', 'secret', 'pw', 'p', 'x']);

function readScheme(r: Reader, kwStart: number): string {
  let start = kwStart;
  while (kwStart - start < 20 && SCHEME(r.at(start - 1))) start--;
  return r.slice(start, kwStart).toLowerCase();
}

/** scheme://user:password@host: the password is redacted. */
function urlPassword(id: string, schemes: (scheme: string) => boolean): Rule {
  return {
    id,
    keywords: ['://'],
    foldCase: false,
    start: ANYWHERE,
    redactsAfterKeyword: true,
    match(r, kwStart, kwEnd) {
      if (!schemes(readScheme(r, kwStart))) return null;
      // The user name is not redacted: it is released as it is read.
      let pos = kwEnd;
      while (pos - kwEnd <= 256 && !USERINFO_STOP(r.at(pos))) r.keep(++pos);
      if (r.at(pos) !== 58 /* : */) return null;
      const start = pos + 1;
      r.keep(start);
      // A variable in place of the password (`${DB_PASSWORD}`) is no password.
      if (r.at(start) === 36 /* $ */) return null;
      for (pos = start; pos - start <= 256 && r.at(pos) !== 64 /* @ */; pos++) {
        const c = r.at(pos);
        if (c === 58 || USERINFO_STOP(c) || c < 0) return null;
      }
      if (r.at(pos) !== 64 || pos === start) return null;
      const password = r.slice(start, pos);
      if (EXAMPLE_PASSWORDS.has(password.toLowerCase()) || password.startsWith('$')) return null;
      return { start, end: pos };
    },
  };
}

function decodesToUserAndPassword(value: string): boolean {
  try {
    const decoded = atob(value);
    return /^[\x20-\x7e]+:[\x20-\x7e]+$/.test(decoded);
  } catch {
    return false;
  }
}

export const webRules: Rule[] = [
  urlPassword('database-connection-password', (s) => DATABASE_SCHEMES.has(s) || s.startsWith('jdbc')),
  urlPassword('url-credentials', (s) => /^[a-z][a-z0-9+.-]*$/.test(s)),
  tokenRule({
    id: 'basic-auth-header',
    keywords: ['basic '],
    foldCase: true,
    then: [run(B64, 8, 1000), run(charset('='), 0, 2)],
    end: charset('A-Za-z0-9+/='),
   
    check: decodesToUserAndPassword,
  }),
  tokenRule({
    id: 'bearer-token',
    keywords: ['bearer '],
    foldCase: true,
    then: [run(charset('A-Za-z0-9._~+/-'), 20, 4096), run(charset('='), 0, 2)],
    end: charset('A-Za-z0-9._~+/=-'),
   
    check: (v) => entropy(v) >= 3.5 && /[0-9]/.test(v) && /[A-Za-z]/.test(v) && ALNUM(v.charCodeAt(0)),
  }),
];
