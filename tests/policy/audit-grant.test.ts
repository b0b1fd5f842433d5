/** The audit permission: only a rule that says `audit: true` and matches the identity grants it. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { policyConfigSchema } from '../../src/policy/config.ts';
import { auditGrant, defaultRule } from '../../src/policy/index.ts';
import { identity } from './identity-fixture.ts';

const rules = policyConfigSchema.parse({
  rules: [
    { name: 'engineers', match: { email: '*@example.com' } },
    { name: 'security-auditors', match: { groups: 'security-audit' }, connections: [], audit: true },
    { name: 'not-auditors', match: { groups: 'interns' }, audit: false },
  ],
}).rules;

test('a rule with audit: true grants the audit permission to the identities it matches', () => {
  const grant = auditGrant(rules);
  assert.equal(grant(identity({ email: 'ann@example.com', groups: ['security-audit'] })), 'security-auditors');
});

test('rules without audit: true grant no audit permission, however broad they are', () => {
  const grant = auditGrant(rules);
  assert.equal(grant(identity({ email: 'ann@example.com', groups: ['engineering'] })), undefined);
  assert.equal(grant(identity({ email: 'ivan@example.com', groups: ['interns'] })), undefined);
  assert.equal(auditGrant([defaultRule])(identity()), undefined, 'the built-in default rule does not grant it');
});

test('audit must be a boolean in the config', () => {
  assert.throws(() => policyConfigSchema.parse({ rules: [{ name: 'x', audit: 'yes' }] }));
});
