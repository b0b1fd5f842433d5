/**
 * Credentials on command lines: `curl -u user:pass`, `mysql -p'pass'`, `docker login -p pass`,
 * `htpasswd -b file user pass`, `--password=...` and their relatives, quoted or not. The
 * command name is the keyword; its arguments are read as a shell would split them, up to the
 * end of the command (a newline not escaped, `;`, `|`, `&`), and the option that carries the
 * password, as each tool documents it, says which argument (or part of one) is the secret.
 */
import { ALNUM, charset } from './charset.ts';
import type { Reader } from './reader.ts';
import { WORD_START, type Rule, type Span } from './rule.ts';

/** Most characters of one command read. */
const COMMAND_MAX = 400;
const TOKEN_MAX = 40;
const ARG_END = charset(' \t\r\n;|&()<>`');

interface Arg {
  start: number;
  end: number;
}

interface CommandSpec {
  /** Command names (the keywords). */
  names: string[];
  /** Another word that must come first, e.g. "login" for `docker login`. */
  subcommand?: string;
  /** Options whose value is the password: `-p VAL`, `--password VAL`, `--password=VAL`. */
  value?: string[];
  /** Options whose value is joined to them: `-pVAL` (mysql: `-p VAL` would prompt). */
  attached?: string[];
  /** Options written only with "=": `--password=VAL`. */
  equals?: string[];
  /** Options whose value is user<sep>password: the part after the separator is the secret. */
  userPassword?: string[];
  separator?: string;
  /** A prefix inside an argument that introduces the password: `pass:` (openssl), `password=` (libpq). */
  inside?: string[];
  /** Positional password (htpasswd -b): which positional, given the flags seen. */
  positional?: (flags: string) => number;
}

const COMMANDS: CommandSpec[] = [
  { names: ['curl'], userPassword: ['-u', '--user', '-U', '--proxy-user'], separator: ':', value: ['--oauth2-bearer', '--pass', '--proxy-pass'] },
  { names: ['wget'], value: ['--password', '--http-password', '--ftp-password', '--proxy-password', '--http-passwd', '--ftp-passwd'] },
  { names: ['mysql', 'mysqldump', 'mysqladmin', 'mysqlimport', 'mysqlsh', 'mariadb', 'mariadb-dump'], attached: ['-p'], equals: ['--password'] },
  { names: ['mongo', 'mongosh', 'mongodump', 'mongorestore', 'mongoexport', 'mongoimport'], value: ['-p', '--password'] },
  { names: ['redis-cli', 'valkey-cli'], value: ['-a', '--pass'] },
  { names: ['docker', 'podman', 'nerdctl', 'buildah', 'skopeo', 'helm', 'oras'], subcommand: 'login', value: ['-p', '--password'] },
  { names: ['sshpass'], value: ['-p'], attached: ['-p'] },
  { names: ['htpasswd'], positional: (flags) => (!flags.includes('b') ? -1 : flags.includes('n') ? 1 : 2) },
  { names: ['psql', 'pg_dump', 'pg_dumpall', 'pg_restore', 'pgbench'], inside: ['password='] },
  { names: ['smbclient'], userPassword: ['-U', '--user'], separator: '%' },
  { names: ['lftp'], userPassword: ['-u'], separator: ',' },
  { names: ['ldapsearch', 'ldapadd', 'ldapmodify', 'ldapdelete', 'ldappasswd', 'ldapwhoami'], value: ['-w'] },
  { names: ['openssl'], inside: ['pass:'] },
  { names: ['keytool'], value: ['-storepass', '-keypass', '-srcstorepass', '-deststorepass'] },
  { names: ['zip', 'unzip'], value: ['-P'] },
  { names: ['7z', '7za'], attached: ['-p'] },
  { names: ['sqlcmd', 'bcp'], value: ['-P'] },
  { names: ['xfreerdp'], inside: ['/p:'] },
  { names: ['twine'], value: ['-p', '--password'] },
  { names: ['az'], subcommand: 'login', value: ['-p', '--password'] },
];

/** Words written where a password goes in documentation, and shell expansions. */
const NOT_PASSWORDS = new Set(['password', 'passwd', 'pass', 'secret', 'xxx', 'xxxx', 'pwd', 'mypassword', 'yourpassword', 'token']);

/** Whether an argument is a password rather than a reference to one or a placeholder. */
export function plausiblePassword(value: string): boolean {
  if (value.length < 4 || value.length > 256 || value.startsWith('-')) return false;
  if (/^[$%]|\$\(|\$\{|^<.*>$|^\*+$|^\[.*\]$/.test(value)) return false; // $VAR, %VAR%, $(cmd), <password>, ****
  if (/^[A-Z][A-Z0-9_]*$/.test(value) && value.length < 30) return false; // a metavariable: PASSWORD, API_TOKEN
  return !NOT_PASSWORDS.has(value.toLowerCase());
}

/**
 * Splits the command after its name into arguments, as a shell would (quotes kept in place).
 * `onArg` sees the arguments so far each time one is complete.
 */
function readArgs(r: Reader, from: number, onArg?: (args: Arg[]) => void): Arg[] {
  const args: Arg[] = [];
  let pos = from;
  while (args.length < TOKEN_MAX && pos - from < COMMAND_MAX) {
    let c = r.at(pos);
    while (c === 32 || c === 9 || (c === 92 /* \ */ && (r.at(pos + 1) === 10 || r.at(pos + 1) === 13))) {
      pos += c === 92 ? (r.at(pos + 1) === 13 && r.at(pos + 2) === 10 ? 3 : 2) : 1;
      c = r.at(pos);
    }
    if (c < 0 || ARG_END(c)) break;
    const start = pos;
    let endsSentence = false;
    while (pos - from < COMMAND_MAX) {
      c = r.at(pos);
      if (c < 0 || ARG_END(c)) break;
      if (c === 34 || c === 39) {
        // The closing quote may not have arrived yet: wait for it (or the end of the command).
        let q = pos + 1;
        while (r.at(q) !== c) {
          if (r.at(q) < 0 || r.at(q) === 10 || q - pos > COMMAND_MAX) return args;
          q++;
        }
        pos = q + 1;
        continue;
      }
      endsSentence = (c === 46 || c === 44 || c === 63 || c === 33) && ARG_END(r.at(pos + 1));
      pos++;
    }
    args.push({ start, end: pos });
    onArg?.(args);
    // Prose that mentions a command ("use curl, then..."): a word ending a clause ends it.
    if (endsSentence) break;
  }
  return args;
}

/** The value of an argument from `at` on, without its surrounding quotes. */
function unquoted(r: Reader, at: number, end: number): Arg {
  const q = r.at(at);
  if ((q === 34 || q === 39) && end - at >= 2 && r.at(end - 1) === q) return { start: at + 1, end: end - 1 };
  return { start: at, end };
}

function afterSeparator(r: Reader, value: Arg, separator: string): Arg | null {
  const i = r.slice(value.start, value.end).indexOf(separator);
  return i < 0 ? null : { start: value.start + i + 1, end: value.end };
}

function findPassword(r: Reader, spec: CommandSpec, args: Arg[]): Arg | null {
  const text = (a: Arg) => r.slice(a.start, a.end);
  let from = 0;
  if (spec.subcommand) {
    from = args.findIndex((a) => text(a) === spec.subcommand) + 1;
    if (from === 0) return null;
  }
  const flags: string[] = [];
  const positionals: Arg[] = [];
  for (let i = from; i < args.length; i++) {
    const arg = args[i]!;
    const t = text(arg);
    const next = args[i + 1];
    for (const option of spec.value ?? []) {
      if (t === option && next) return unquoted(r, next.start, next.end);
      if (option.startsWith('--') && t.startsWith(`${option}=`)) return unquoted(r, arg.start + option.length + 1, arg.end);
    }
    for (const option of spec.equals ?? []) {
      if (t.startsWith(`${option}=`)) return unquoted(r, arg.start + option.length + 1, arg.end);
    }
    for (const option of spec.attached ?? []) {
      if (t.length > option.length && t.startsWith(option) && !t.startsWith('--')) return unquoted(r, arg.start + option.length, arg.end);
    }
    for (const option of spec.userPassword ?? []) {
      const separator = spec.separator ?? ':';
      if (t === option && next) return afterSeparator(r, unquoted(r, next.start, next.end), separator);
      if (option.startsWith('--') && t.startsWith(`${option}=`)) return afterSeparator(r, unquoted(r, arg.start + option.length + 1, arg.end), separator);
      if (!option.startsWith('--') && t.length > option.length && t.startsWith(option)) return afterSeparator(r, unquoted(r, arg.start + option.length, arg.end), separator);
    }
    for (const prefix of spec.inside ?? []) {
      const at = t.toLowerCase().indexOf(prefix);
      if (at < 0 || (at > 0 && ALNUM(t.charCodeAt(at - 1)))) continue;
      const start = arg.start + at + prefix.length;
      let end = start;
      while (end < arg.end && !' \'"'.includes(r.slice(end, end + 1))) end++;
      return { start, end };
    }
    if (t.startsWith('-')) flags.push(t.slice(1));
    else positionals.push(arg);
  }
  if (spec.positional) {
    const index = spec.positional(flags.join(''));
    const arg = index >= 0 ? positionals[index] : undefined;
    if (arg) return unquoted(r, arg.start, arg.end);
  }
  return null;
}

/**
 * Releases a command's arguments as they complete, up to the first that is, or may be, the
 * password by findPassword's rules (the one after a password option, or one that carries it:
 * `--password=`, `-pVAL`, `password=`); before the subcommand nothing is a password. Returns
 * the `onArg` callback for one reading of the command.
 */
function releaseArgs(r: Reader, spec: CommandSpec): (args: Arg[]) => void {
  const takesNext = new Set([...(spec.value ?? []), ...(spec.userPassword ?? [])]);
  const carries = [...(spec.value ?? []), ...(spec.equals ?? []), ...(spec.userPassword ?? []), ...(spec.attached ?? [])];
  let from = spec.subcommand ? -1 : 0;
  let previous = '';
  let done = false;
  return (args) => {
    if (done) return;
    const i = args.length - 1;
    const arg = args[i]!;
    const t = r.slice(arg.start, arg.end);
    if (spec.positional) done = true; // which positional is the password depends on every flag
    else if (from < 0) {
      if (t === spec.subcommand) from = i + 1;
    } else {
      const lower = t.toLowerCase();
      done =
        (i > from && takesNext.has(previous)) ||
        carries.some((option) => t.startsWith(option) && t.length > option.length) ||
        (spec.inside ?? []).some((prefix) => lower.includes(prefix));
    }
    previous = t;
    r.keep(done ? arg.start : arg.end);
  };
}

function commandRule(): Rule {
  const byName = new Map<string, CommandSpec>();
  for (const spec of COMMANDS) for (const name of spec.names) byName.set(name, spec);
  return {
    id: 'command-line-password',
    keywords: [...byName.keys()],
    foldCase: false,
    start: WORD_START,
    redactsAfterKeyword: true,
    match(r, kwStart, kwEnd): Span | null {
      const after = r.at(kwEnd);
      if (after !== 32 && after !== 9) return null; // the command, not a word that begins with it
      const spec = byName.get(r.slice(kwStart, kwEnd))!;
      r.keep(kwEnd + 1); // the space after the command name
      const password = findPassword(r, spec, readArgs(r, kwEnd, releaseArgs(r, spec)));
      if (!password || password.end <= password.start || !plausiblePassword(r.slice(password.start, password.end))) return null;
      return password;
    },
  };
}

/** `--password VAL`, `--token=VAL` on any command (kubectl, vault, gh, terraform, custom tools). */
const SECRET_OPTIONS = ['--password', '--passwd', '--token', '--api-key', '--apikey', '--secret', '--client-secret', '--access-token', '--auth-token', '--private-token', '--passphrase', '--secret-key', '--access-key-secret'];

function optionRule(): Rule {
  return {
    id: 'command-line-secret-option',
    keywords: SECRET_OPTIONS,
    foldCase: false,
    start: WORD_START,
    redactsAfterKeyword: true,
    match(r, _kwStart, kwEnd): Span | null {
      const c = r.at(kwEnd);
      let at: number;
      if (c === 61 /* = */) at = kwEnd + 1;
      else if (c === 32) at = kwEnd + 1;
      else return null;
      const [arg] = readArgs(r, at);
      if (!arg || arg.start !== at) return null;
      const value = unquoted(r, arg.start, arg.end);
      const text = r.slice(value.start, value.end);
      // Anything may follow an option in prose; a password has mixed kinds of character or length.
      if (!plausiblePassword(text) || (!/[0-9!@#%^*+=_.~-]/.test(text) && text.length < 16) || /^[./~]/.test(text)) return null;
      return value;
    },
  };
}

export const commandLineRules: Rule[] = [commandRule(), optionRule()];
