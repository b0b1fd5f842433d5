import { test } from 'node:test';
import assert from 'node:assert/strict';
import { looksLikePlaceholder } from '../../src/mask/placeholders.ts';
import { AN, gen } from './fixtures.ts';

test('template values and documentation examples are placeholders', () => {
  for (const value of ['YOUR_API_KEY', 'sk-ant-api03-your-key-here', '<token>', '${GITHUB_TOKEN}', '{{ secrets.NPM }}', 'ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'AKIAIOSFODNN7EXAMPLE', '****', 'changeme', `ghp_${'0'.repeat(36)}`]) {
    assert.ok(looksLikePlaceholder(value), value);
  }
});

test('random values are not placeholders', () => {
  for (let i = 0; i < 50; i++) {
    const value = `ghp_${gen(AN, 36)}`;
    assert.ok(!looksLikePlaceholder(value), value);
  }
});
