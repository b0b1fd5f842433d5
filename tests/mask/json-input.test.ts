import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { JsonInputMasker, maskJsonText, type JsonStringFinding } from '../../src/mask/json-input.ts';
import { AN, gen, ruleset } from './fixtures.ts';

const github = `ghp_${gen(AN, 36)}`;

function streamed(json: string, cuts: number[]): { out: string; findings: JsonStringFinding[] } {
  const findings: JsonStringFinding[] = [];
  const masker = new JsonInputMasker(ruleset, 4096, (f) => findings.push(f));
  const points = [...new Set(cuts.map((c) => c % (json.length + 1)))].sort((a, b) => a - b);
  let out = '';
  let last = 0;
  for (const p of points) {
    out += masker.push(json.slice(last, p));
    last = p;
  }
  out += masker.push(json.slice(last)) + masker.end();
  return { out, findings };
}

test('secrets in string values are redacted on their decoded contents', () => {
  const json = JSON.stringify({ a: `token\n${github}`, b: [1, true, null] });
  const findings: JsonStringFinding[] = [];
  const out = maskJsonText(ruleset, json, (f) => findings.push(f));
  assert.deepEqual(JSON.parse(out), { a: 'token\nghp_[REDACTED:github-pat]', b: [1, true, null] });
  assert.deepEqual(findings.map((f) => [f.rule, f.string, f.start, f.end]), [['github-pat', 1, 10, 6 + github.length]]);
});

test('a secret written with \\u escapes is still found', () => {
  const escaped = github.replace(/[a-z]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`);
  const json = `{"k":"${escaped}"}`;
  assert.deepEqual(JSON.parse(maskJsonText(ruleset, json, () => {})), { k: 'ghp_[REDACTED:github-pat]' });
});

test('nothing to redact: the same text comes back', () => {
  const json = '{"path":"/tmp/x","n":1}';
  assert.equal(maskJsonText(ruleset, json, () => {}), json);
});

test('a fragment boundary inside an escape or a surrogate pair is handled', () => {
  const json = JSON.stringify({ s: `"😀"\\ ${github}` }).replace('😀', '\\ud83d\\ude00');
  for (let cut = 0; cut <= json.length; cut++) {
    const { out } = streamed(json, [cut]);
    assert.deepEqual(JSON.parse(out), { s: '"😀"\\ ghp_[REDACTED:github-pat]' }, `cut at ${cut}`);
  }
});

const jsonValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom(github, `x=${github}`, 'password = "Xk9#mQ2$vL7p"', '😀', 'é"\\\n', 'plain'),
    fc.string({ unit: 'binary', maxLength: 10 }),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 5 }), tie('value'), { maxKeys: 4 }),
  ),
})).value;

test('property: any fragmenting of tool input JSON gives the same valid JSON as masking it whole', () => {
  fc.assert(
    fc.property(jsonValue, fc.array(fc.nat(), { maxLength: 25 }), fc.boolean(), (value, cuts, asciiOnly) => {
      let json = JSON.stringify(value);
      if (asciiOnly) json = json.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
      const whole = maskJsonText(ruleset, json, () => {});
      const { out } = streamed(json, cuts);
      assert.deepEqual(JSON.parse(out), JSON.parse(whole));
    }),
    { numRuns: 300 },
  );
});
