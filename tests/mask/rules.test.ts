import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinRules } from '../../src/mask/rules/index.ts';
import { redactWhole, type SpanFinding } from '../../src/mask/redactor.ts';
import { ruleExamples } from './rule-examples.ts';
import { ruleset } from './fixtures.ts';

function redact(text: string): { out: string; findings: SpanFinding[] } {
  const findings: SpanFinding[] = [];
  return { out: redactWhole(ruleset, text, (f) => findings.push(f)), findings };
}

test('there are at least 60 built-in rule types', () => {
  assert.ok(builtinRules.length >= 60, `${builtinRules.length} rules`);
});

test('every built-in rule has positive and negative examples', () => {
  for (const rule of builtinRules) {
    const examples = ruleExamples[rule.id];
    assert.ok(examples, `no examples for ${rule.id}`);
    assert.ok(examples.yes.length > 0 && examples.no.length > 0, `${rule.id} needs both kinds of example`);
  }
  for (const id of Object.keys(ruleExamples)) {
    assert.ok(builtinRules.some((rule) => rule.id === id), `examples for unknown rule ${id}`);
  }
});

for (const [id, examples] of Object.entries(ruleExamples)) {
  test(`${id}: redacts its positive examples exactly`, () => {
    for (const [before, secret, after] of examples.yes) {
      const { out, findings } = redact(before + secret + after);
      assert.equal(out, `${before}[REDACTED:${id}]${after}`, `in ${JSON.stringify(before + secret + after).slice(0, 120)}`);
      assert.deepEqual(
        findings.map((f) => [f.rule, f.start, f.end, f.original]),
        [[id, before.length, before.length + secret.length, secret]],
      );
    }
  });

  test(`${id}: leaves its negative examples alone`, () => {
    for (const text of examples.no) {
      const { out, findings } = redact(text);
      assert.deepEqual(findings.map((f) => f.rule), [], `in ${JSON.stringify(text).slice(0, 120)}`);
      assert.equal(out, text);
    }
  });
}
