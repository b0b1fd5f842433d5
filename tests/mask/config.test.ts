import { test } from 'node:test';
import assert from 'node:assert/strict';
import { maskingConfigSchema } from '../../src/mask/config.ts';

test('defaults: masking on, the [REDACTED:{rule}] placeholder, prompts allowed', () => {
  const config = maskingConfigSchema.parse(undefined);
  assert.equal(config.enabled, true);
  assert.equal(config.placeholder, '[REDACTED:{rule}]');
  assert.deepEqual(config.prompts, { '*': 'allow' });
});

test('a custom rule needs a compilable pattern and ASCII keywords', () => {
  const rule = { id: 'acme-key', keywords: ['acme_'], pattern: 'acme_[a-z0-9]{16}' };
  assert.ok(maskingConfigSchema.safeParse({ customRules: [rule] }).success);
  assert.ok(!maskingConfigSchema.safeParse({ customRules: [{ ...rule, pattern: '(' }] }).success);
  assert.ok(!maskingConfigSchema.safeParse({ customRules: [{ ...rule, keywords: ['clé'] }] }).success);
  assert.ok(!maskingConfigSchema.safeParse({ customRules: [{ ...rule, id: 'Acme Key' }] }).success);
});
