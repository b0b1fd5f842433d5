import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Redactor, redactWhole, type SpanFinding } from '../../src/mask/redactor.ts';
import { compileRuleset } from '../../src/mask/ruleset.ts';
import { AN, HEX, B64U, config, gen, pem, ruleset } from './fixtures.ts';
import { ruleExamples } from './rule-examples.ts';
import { cutAt } from './cuts.ts';

const github = `ghp_${gen(AN, 36)}`;

function stream(pieces: string[], cap = 4096): { emitted: string[]; findings: SpanFinding[] } {
  const findings: SpanFinding[] = [];
  const redactor = new Redactor(ruleset, cap, (f) => findings.push(f));
  const emitted = pieces.map((piece) => redactor.push(piece));
  emitted.push(redactor.end());
  return { emitted, findings };
}

function whole(text: string): { out: string; findings: SpanFinding[] } {
  const findings: SpanFinding[] = [];
  return { out: redactWhole(ruleset, text, (f) => findings.push(f)), findings };
}

test('a token pushed one character at a time: its prefix is released as it comes, nothing of its body before it is decided', () => {
  const text = `key ${github} done`;
  const { emitted } = stream([...text]);
  // Each character of "key ghp_" is out as soon as it is pushed.
  assert.deepEqual(emitted.slice(0, 8), [...'key ghp_']);
  assert.equal(emitted.slice(0, 4 + github.length).join(''), 'key ghp_');
  assert.equal(emitted.join(''), 'key ghp_[REDACTED:github-pat] done');
});

test('a prefix split across pieces is released before the body arrives; a body split across pieces leaks nothing', () => {
  const body = github.slice(4);
  const redactor = new Redactor(ruleset, 4096, () => {});
  assert.equal(redactor.push('use g'), 'use g');
  assert.equal(redactor.push('h'), 'h');
  assert.equal(redactor.push('p_'), 'p_');
  assert.equal(redactor.held, 0);
  let out = '';
  for (let i = 0; i < body.length; i += 5) out += redactor.push(body.slice(i, i + 5));
  assert.equal(out, '', 'a piece of the body was released before the token was decided');
  assert.equal(redactor.push(' now'), '[REDACTED:github-pat] now');
});

test('prose without keywords is released at once, nothing held back', () => {
  const redactor = new Redactor(ruleset, 4096, () => {});
  for (const word of ['The quick ', 'brown fox ', 'jumps over the lazy dog.']) {
    assert.equal(redactor.push(word), word);
    assert.equal(redactor.held, 0);
  }
});

test('built-in rules hold no trailing fragment: their keywords (token prefixes, names) stay readable', () => {
  const redactor = new Redactor(ruleset, 4096, () => {});
  for (const piece of ['see gh', 'ost, a', 'nd do', ' A', ' s', ' secret', ' -----BEGIN RSA']) {
    assert.equal(redactor.push(piece), piece);
    assert.equal(redactor.held, 0);
  }
});

test('a custom rule that redacts its keyword holds a trailing fragment that could become it', () => {
  const custom = compileRuleset(config({ customRules: [{ id: 'acme-key', keywords: ['acme_'], pattern: 'acme_[a-z0-9]{16}' }] }));
  const redactor = new Redactor(custom, 4096, () => {});
  assert.equal(redactor.push('see ac'), 'see ');
  assert.equal(redactor.held, 2);
  assert.equal(redactor.push('orn'), 'acorn');
  assert.equal(redactor.held, 0);
});

test('the name of an assignment and its operator are released at once; only its value waits', () => {
  const redactor = new Redactor(ruleset, 4096, () => {});
  assert.equal(redactor.push('export DB_PASSWORD ='), 'export DB_PASSWORD =');
  assert.equal(redactor.push(' Xk9#mQ2'), ' ');
  assert.equal(redactor.push('$vL7p\n'), '[REDACTED:generic-secret-assignment]\n');
});

test('a value that cannot be a secret whatever follows is released without waiting for its end', () => {
  const redactor = new Redactor(ruleset, 4096, () => {});
  assert.equal(redactor.push('const token = req'), 'const token = ');
  assert.equal(redactor.push('uest.h'), 'request.h'); // code on an object, not a secret
  assert.equal(redactor.push('eaders.get("x")'), 'eaders.get("x")');
  assert.equal(redactor.push('\nurl = postgres://app:$'), '\nurl = postgres://app:$'); // a variable, no password
  assert.equal(redactor.held, 0);
});

test('a high surrogate at the end of a piece waits for its low half', () => {
  const redactor = new Redactor(ruleset, 4096, () => {});
  const emoji = '😀';
  assert.equal(redactor.push(`hi ${emoji[0]}`), 'hi ');
  assert.equal(redactor.push(`${emoji[1]}!`), `${emoji}!`);
});

test('end() decides what was still pending: a token cut off by the end of the block', () => {
  const { emitted } = stream([`x ${github}`]);
  assert.equal(emitted.join(''), 'x ghp_[REDACTED:github-pat]');
});

test('the hold-back cap forces a decision: the pending span is redacted, marked truncated', () => {
  const key = pem('RSA PRIVATE KEY', 40); // ~2.6 KB
  const findings: SpanFinding[] = [];
  const redactor = new Redactor(ruleset, 256, (f) => findings.push(f));
  let out = '';
  for (let i = 0; i < 1000; i += 10) out += redactor.push(key.slice(i, i + 10));
  assert.ok(redactor.held <= 256 + 10, `held ${redactor.held}`);
  assert.equal(findings[0]?.rule, 'pem-rsa-private-key');
  assert.equal(findings[0]?.truncated, true);
  assert.ok(!out.includes(key.slice(40, 100)), 'key body leaked');
  assert.ok(out.startsWith('-----BEGIN RSA PRIVATE KEY-----[REDACTED:pem-rsa-private-key]'), out.slice(0, 80));
});

test('after the cap forced a decision, the rest of the key is dropped too, up to its END line', () => {
  const key = pem('PGP PRIVATE KEY BLOCK', 120); // ~7.9 KB, longer than the default cap
  const text = `Here it is:\n${key}\nImport it with gpg.`;
  const findings: SpanFinding[] = [];
  const redactor = new Redactor(ruleset, 4096, (f) => findings.push(f));
  let out = '';
  for (let i = 0; i < text.length; i += 7) out += redactor.push(text.slice(i, i + 7));
  out += redactor.end();
  for (const line of key.split('\n').slice(1, -1)) assert.ok(!out.includes(line), 'a line of the key leaked');
  assert.match(out, /^Here it is:\n-----BEGIN PGP PRIVATE KEY BLOCK-----\[REDACTED:pem-pgp-private-key\]-----END PGP PRIVATE KEY BLOCK-----\nImport it with gpg\.$/);
  assert.deepEqual(findings.map((f) => [f.rule, f.truncated]), [['pem-pgp-private-key', true], ['pem-pgp-private-key', true]]);
  assert.equal(findings[1]!.start, findings[0]!.end);
});

test('offsets of findings are UTF-16 offsets in the whole text', () => {
  const text = `😀é ${github}`;
  const { findings } = stream([...text]);
  // The finding covers the body after "ghp_".
  assert.deepEqual(findings.map((f) => [f.start, f.end, f.original]), [[8, 4 + github.length, github.slice(4)]]);
});

test('custom rules and allowlist entries from config apply', () => {
  const custom = compileRuleset(
    config({
      customRules: [{ id: 'acme-key', keywords: ['acme_'], pattern: 'acme_[a-z0-9]{16}' }],
      allowlist: [github, '/^ghp_TESTONLY/'],
    }),
  );
  const acme = `acme_${gen('a-z0-9', 16)}`;
  const allowedPattern = `ghp_TESTONLY${gen(AN, 28)}`;
  const text = `a ${acme} b ${github} c ${allowedPattern}`;
  assert.equal(redactWhole(custom, text, () => {}), `a [REDACTED:acme-key] b ${github} c ${allowedPattern}`);
  // Streamed, the custom rule's window is held and decided the same way.
  const redactor = new Redactor(custom, 4096, () => {});
  const out = [...text].map((c) => redactor.push(c)).join('') + redactor.end();
  assert.equal(out, redactWhole(custom, text, () => {}));
});

test('the placeholder text is configurable', () => {
  const custom = compileRuleset(config({ placeholder: '<<{rule}>>' }));
  assert.equal(redactWhole(custom, `x ${github}`, () => {}), 'x ghp_<<github-pat>>');
});

test('hostile input (1 MB of near-matches) completes, streamed and whole', () => {
  const nearMatches = [
    `ghp_${gen(AN, 35)} `,
    'password=',
    '-----BEGIN RSA PRIVATE KEY-----\n',
    `eyJ${gen(B64U, 20)}.`,
    'postgres://user:',
    `AKIA${gen('A-Z', 15)} `,
    'xoxb-1234567890-',
    'token = "',
    `sk-ant-api03-${gen(B64U, 40)}`,
    `${gen(HEX, 31)}@`,
  ];
  for (const unit of nearMatches) {
    const text = unit.repeat(Math.ceil((1 << 20) / unit.length));
    const { out } = whole(text);
    assert.ok(out.length > 0);
    const redactor = new Redactor(ruleset, 4096, () => {});
    let streamed = 0;
    for (let i = 0; i < text.length; i += 4096) streamed += redactor.push(text.slice(i, i + 4096)).length;
    streamed += redactor.end().length;
    assert.ok(streamed > 0);
  }
});

// ---- Properties: any split of a text gives the whole text's result ----

const secrets = Object.entries(ruleExamples).flatMap(([, examples]) => examples.yes.map(([before, secret, after]) => before + secret + after));
const negatives = Object.values(ruleExamples).flatMap((examples) => examples.no);
const piece = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...secrets) },
  { weight: 2, arbitrary: fc.constantFrom(...negatives) },
  { weight: 3, arbitrary: fc.constantFrom(' ', '\n', 'the ', 'Hello, ', '😀', 'é', '中文', '\\n', '"', '=', ': ', 'gh', 'sk-', '-----') },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
);
const document = fc.array(piece, { maxLength: 12 }).map((parts) => parts.join(''));


const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

test('property: any split into pieces gives the same output and findings as the whole text', () => {
  fc.assert(
    fc.property(document, fc.array(fc.nat(), { maxLength: 30 }), (text, cuts) => {
      const expected = whole(text);
      const { emitted, findings } = stream(cutAt(text, cuts));
      assert.equal(emitted.join(''), expected.out);
      assert.deepEqual(findings, expected.findings);
    }),
    { numRuns: 300 },
  );
});

test('property: split into single UTF-16 code units (inside surrogate pairs too), the result is the same', () => {
  fc.assert(
    fc.property(document, (text) => {
      const expected = whole(text);
      const { emitted } = stream(text.split(''));
      assert.equal(emitted.join(''), expected.out);
    }),
    { numRuns: 150 },
  );
});

test('property: no emitted prefix holds a character of a secret, and no piece splits a surrogate pair', () => {
  fc.assert(
    fc.property(document, fc.array(fc.nat(), { maxLength: 30 }), (text, cuts) => {
      const expected = whole(text);
      const { emitted } = stream(cutAt(text, cuts));
      let sent = '';
      for (const out of emitted) {
        sent += out;
        // Each secret is replaced whole in the final text, so a prefix of it cannot show any part of one.
        assert.ok(expected.out.startsWith(sent), 'emitted text is not a prefix of the redacted whole');
        if (!LONE_SURROGATE.test(text)) assert.ok(!LONE_SURROGATE.test(out), 'a piece split a surrogate pair');
      }
      // Every redacted original is gone, unless the same characters also stand somewhere no rule
      // matched (then the whole-text redaction keeps them there too, and so may the stream).
      for (const finding of expected.findings) {
        const occurrences = text.split(finding.original).length - 1;
        const redacted = expected.findings.filter((f) => f.original === finding.original).length;
        if (occurrences === redacted) assert.ok(!sent.includes(finding.original));
      }
    }),
    { numRuns: 300 },
  );
});

test('streamed one character at a time, the text before each example secret is out before the secret begins', () => {
  // Rules that must read past the text before the secret to decide keep some of it until then:
  // a command's arguments (which one is the password), a PEM key's line break after BEGIN.
  const readsAhead = new Set(['command-line-password', 'command-line-secret-option']);
  for (const [id, examples] of Object.entries(ruleExamples)) {
    if (readsAhead.has(id)) continue;
    for (const [before, secret, after] of examples.yes) {
      const redactor = new Redactor(ruleset, 4096, () => {});
      let out = '';
      for (const c of before) out += redactor.push(c);
      // A token's prefix assigned to a secret's name (DISCORD_BOT_TOKEN=MzI5) waits with the
      // value: the generic rule would redact the whole value, unless it holds another rule's token.
      const assigned = /(?:token|secret|key|password)\w*["']?\s*[:=]\s*["']?([^"'\s=:]*)$/i.exec(before);
      const expected = assigned ? before.slice(0, before.length - assigned[1]!.length) : before;
      // A PEM key's line break after its BEGIN line waits for the body (the span starts after it).
      const withoutBreak = before.replace(/(?:\\n|\n)$/, '');
      assert.ok(out === expected || out === withoutBreak, `${id}: ${JSON.stringify(out.slice(-30))} of ${JSON.stringify(before.slice(-30))}`);
      for (const c of secret) out += redactor.push(c);
      assert.ok(out.length <= before.length, `${id}: a character of the secret went out before the secret was decided`);
      for (const c of after) out += redactor.push(c);
      out += redactor.end();
      assert.equal(out, `${before}[REDACTED:${id}]${after}`);
    }
  }
});

test('a command line is released argument by argument up to the one that may hold the password', () => {
  const password = `${gen(AN, 12)}!`;
  const redactor = new Redactor(ruleset, 4096, () => {});
  let out = '';
  for (const piece of ['curl', ' -X', ' POST', ' https://api.internal/v1', ' -u', ' admin:']) out += redactor.push(piece);
  // Everything before the argument after -u is out (the last complete argument's trailing
  // space waits with it); that argument waits for its end.
  assert.equal(out, 'curl -X POST https://api.internal/v1 -u');
  for (const c of password) out += redactor.push(c);
  assert.equal(out, 'curl -X POST https://api.internal/v1 -u', 'a character of the password went out');
  out += redactor.push(' -H x\n') + redactor.end();
  assert.equal(out, 'curl -X POST https://api.internal/v1 -u admin:[REDACTED:command-line-password] -H x\n');
  // docker without login: nothing is a password, each argument goes out once complete.
  const docker = new Redactor(ruleset, 4096, () => {});
  assert.equal(['docker', ' run', ' -p', ' 8080:80', ' nginx'].map((p) => docker.push(p)).join(''), 'docker run -p 8080:80');
});
