/** Policy globs: `*` any run of characters (slashes too), `?` one character, all else literal. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileGlob } from '../../src/policy/glob.ts';

test('a pattern without wildcards is an exact comparison', () => {
  assert.equal(compileGlob('acme/widgets')('acme/widgets'), true);
  assert.equal(compileGlob('acme/widgets')('acme/widgets2'), false);
});

test('* spans any characters including slashes, ? exactly one', () => {
  assert.equal(compileGlob('acme/*')('acme/tools/sub'), true);
  assert.equal(compileGlob('claude-?-x')('claude-4-x'), true);
  assert.equal(compileGlob('claude-?-x')('claude-45-x'), false);
});

test('regular-expression characters are literal', () => {
  assert.equal(compileGlob('*@example.com')('ada@exampleXcom'), false);
  assert.equal(compileGlob('a+b(c)[d]')('a+b(c)[d]'), true);
  assert.equal(compileGlob('a+b')('aab'), false);
});

test('patterns are anchored at both ends', () => {
  assert.equal(compileGlob('*@example.com')('ada@example.com.evil.io'), false);
  assert.equal(compileGlob('claude-sonnet-*')('x-claude-sonnet-4'), false);
});

test('case is significant unless asked otherwise', () => {
  assert.equal(compileGlob('*@Example.com')('ada@example.com'), false);
  assert.equal(compileGlob('*@Example.com', { ignoreCase: true })('ADA@example.COM'), true);
});
