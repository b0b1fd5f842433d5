import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeywordAutomaton } from '../../src/mask/keywords.ts';
import { ANYWHERE, NAME_START, WORD_START } from '../../src/mask/rules/rule.ts';

const automaton = new KeywordAutomaton([
  { text: 'ghp_', foldCase: false, start: WORD_START, rule: 0, holds: true },
  { text: 'sk-', foldCase: false, start: WORD_START, rule: 1, holds: true },
  { text: 'sk-ant-api', foldCase: false, start: WORD_START, rule: 2, holds: true },
  { text: 'token', foldCase: true, start: NAME_START, rule: 3, holds: false },
  { text: '://', foldCase: false, start: ANYWHERE, rule: 4, holds: true },
]);

/** Runs the automaton over text; returns [keyword, start] of every verified hit. */
function hits(text: string): [string, number][] {
  const found: [string, number][] = [];
  const charAt = (p: number) => (p >= 0 && p < text.length ? text.charCodeAt(p) : -1);
  let state = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    state = automaton.delta[state * 128 + (c < 128 ? c : 0)]!;
    for (const k of automaton.outputs[state]!) {
      if (automaton.verify(k, i + 1, charAt)) found.push([automaton.keywords[k]!.text, i + 1 - automaton.keywords[k]!.length]);
    }
  }
  return found;
}

function holdback(text: string): number {
  const charAt = (p: number) => (p >= 0 && p < text.length ? text.charCodeAt(p) : -1);
  let state = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    state = automaton.delta[state * 128 + (c < 128 ? c : 0)]!;
  }
  return automaton.holdback(state, text.length, charAt);
}

test('finds overlapping keywords in one pass, each at its start', () => {
  assert.deepEqual(hits('x sk-ant-api03'), [['sk-', 2], ['sk-ant-api', 2]]);
});

test('case-sensitive keywords need their exact case; folded ones match any case', () => {
  assert.deepEqual(hits('GHP_ ghp_'), [['ghp_', 5]]);
  assert.deepEqual(hits('DB_TOKEN dbToken'), [['token', 3], ['token', 11]]);
});

test('start tests: tokens at a word start, name parts after a non-lower-case letter, others anywhere', () => {
  assert.deepEqual(hits('ask-me xghp_ tokens'), [['token', 13]]);
  assert.deepEqual(hits('mytoken'), []);
  assert.deepEqual(hits('a://b'), [['://', 1]]);
});

test('non-ASCII characters reset the automaton and count as a word boundary', () => {
  assert.deepEqual(hits('éghp_ sé-k'), [['ghp_', 1]]);
});

test('hold-back: only a trailing fragment that could still start a hit', () => {
  assert.equal(holdback('use gh'), 2);
  assert.equal(holdback('laugh'), 0); // "gh" inside a word cannot start a token
  assert.equal(holdback('the sk-an'), 5);
  assert.equal(holdback('GH'), 0); // case-sensitive prefix in the wrong case
  assert.equal(holdback('see http:/'), 2);
  assert.equal(holdback('plain text.'), 0);
});

test('hold-back: a fragment of a keyword that only introduces a value is not held', () => {
  // "token" is a name whose rule redacts what follows it: the name itself is released at once.
  assert.equal(holdback('going to'), 0);
  assert.equal(holdback('the tok'), 0);
  assert.deepEqual(hits('going to'), []);
});
