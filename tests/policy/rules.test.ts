/** Which rule grants a call: matching on the caller, granting connections, models and a max_tokens cap. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPolicy, policyConfigSchema } from '../../src/policy/index.ts';
import type { PolicyConfig } from '../../src/policy/config.ts';
import { identity } from './identity-fixture.ts';
import { refusal } from './refusal.ts';

const policyOf = (rules: unknown[]) => createPolicy(policyConfigSchema.parse({ rules }) as PolicyConfig);
const call = (fields: { connection?: string; model?: string; maxTokens?: number } = {}) => ({
  connection: 'default',
  path: '/v1/messages',
  model: 'claude-sonnet-4-5',
  ...fields,
});


describe('default policy', () => {
  test('with no rules, any verified caller may call the default connection with any model', () => {
    const policy = createPolicy(policyConfigSchema.parse(undefined));
    const grant = policy.authorize(identity(), call({ model: 'claude-opus-4-1', maxTokens: 64_000 }));
    assert.equal(grant.rule, 'any-verified-caller');
    assert.equal(grant.maxTokensCap, undefined);
  });

  test('with no rules, other connections are refused', () => {
    const error = refusal(() => createPolicy(policyConfigSchema.parse({})).authorize(identity(), call({ connection: 'vertex' })));
    assert.equal(error.status, 403);
    assert.match(error.message, /connection "vertex"/);
  });
});

describe('matching the caller', () => {
  test('issuer and email globs', () => {
    const policy = policyOf([{ name: 'staff', match: { issuer: 'https://accounts.google.com', email: '*@example.com' } }]);
    assert.equal(policy.authorize(identity({ email: 'ada@example.com' }), call()).rule, 'staff');
    assert.equal(policy.authorize(identity({ email: 'Ada@EXAMPLE.com' }), call()).rule, 'staff');
    assert.equal(refusal(() => policy.authorize(identity({ email: 'ada@example.com.evil.io' }), call())).status, 403);
    assert.equal(refusal(() => policy.authorize(identity(), call())).status, 403);
    assert.equal(refusal(() => policy.authorize(identity({ issuer: 'https://other', email: 'ada@example.com' }), call())).status, 403);
  });

  test('subject glob', () => {
    const policy = policyOf([{ name: 'service-accounts', match: { subject: 'svc-*' } }]);
    assert.equal(policy.authorize(identity({ subject: 'svc-reports' }), call()).rule, 'service-accounts');
    assert.equal(refusal(() => policy.authorize(identity({ subject: 'user-svc-x' }), call())).status, 403);
  });

  test('groups: any of the caller groups matches any listed group', () => {
    const policy = policyOf([{ name: 'ml', match: { groups: ['ml-research', 'ml-platform'] } }]);
    assert.equal(policy.authorize(identity({ groups: ['eng', 'ml-platform'] }), call()).rule, 'ml');
    assert.equal(refusal(() => policy.authorize(identity({ groups: ['eng'] }), call())).status, 403);
  });

  test('claim equality and globs, such as GitHub Actions repository and ref', () => {
    const policy = policyOf([
      { name: 'ci-main', match: { repository: 'acme/widgets', ref: 'refs/heads/main' } },
      { name: 'ci-any-acme', match: { repository_owner: 'acme', ref: 'refs/heads/release/*' }, models: ['claude-haiku-*'] },
    ]);
    const ci = (claims: Record<string, unknown>) => identity({ issuer: 'https://token.actions.githubusercontent.com', claims });
    assert.equal(policy.authorize(ci({ repository: 'acme/widgets', ref: 'refs/heads/main' }), call()).rule, 'ci-main');
    assert.equal(refusal(() => policy.authorize(ci({ repository: 'acme/widgets', ref: 'refs/heads/feature' }), call())).status, 403);
    assert.equal(refusal(() => policy.authorize(ci({ repository: 'acme/widgets-fork', ref: 'refs/heads/main' }), call())).status, 403);
    const release = ci({ repository: 'acme/tools', repository_owner: 'acme', ref: 'refs/heads/release/2.0' });
    assert.equal(policy.authorize(release, call({ model: 'claude-haiku-4-5' })).rule, 'ci-any-acme');
  });

  test('the grant carries the caller values the rule matched on, for the record', () => {
    const policy = policyOf([{ name: 'ci-main', match: { issuer: 'https://token.actions.*', repository: 'acme/*' } }]);
    const caller = identity({ issuer: 'https://token.actions.githubusercontent.com', claims: { repository: 'acme/widgets', actor: 'octocat' } });
    assert.deepEqual(policy.authorize(caller, call()).claimsUsed, {
      issuer: 'https://token.actions.githubusercontent.com',
      repository: 'acme/widgets',
    });
    assert.equal(policyOf([{ name: 'all' }]).authorize(caller, call()).claimsUsed, undefined);
  });

  test('dotted claim paths, list claims and non-string claims', () => {
    const policy = policyOf([{ name: 'admins', match: { 'realm_access.roles': 'admin', email_verified: 'true' } }]);
    const caller = identity({ claims: { realm_access: { roles: ['user', 'admin'] }, email_verified: true } });
    assert.equal(policy.authorize(caller, call()).rule, 'admins');
    const unverified = identity({ claims: { realm_access: { roles: ['admin'] }, email_verified: false } });
    assert.equal(refusal(() => policy.authorize(unverified, call())).status, 403);
  });

  test('URL-shaped claim names (Auth0 namespaced claims) are matched whole', () => {
    const policy = policyOf([{ name: 'ns', match: { 'https://example.com/team': 'platform' } }]);
    assert.equal(policy.authorize(identity({ claims: { 'https://example.com/team': 'platform' } }), call()).rule, 'ns');
  });

  test('a claim holding an object never matches a glob, not even "*"', () => {
    const policy = policyOf([{ name: 'r', match: { realm_access: '*' } }]);
    assert.equal(refusal(() => policy.authorize(identity({ claims: { realm_access: { roles: [] } } }), call())).status, 403);
  });

  test('the first rule that matches and grants decides', () => {
    const policy = policyOf([
      { name: 'opus-for-leads', match: { groups: 'leads' }, models: ['claude-opus-*'] },
      { name: 'everyone', models: ['claude-sonnet-*', 'claude-haiku-*'] },
    ]);
    const lead = identity({ groups: ['leads'] });
    assert.equal(policy.authorize(lead, call({ model: 'claude-opus-4-1' })).rule, 'opus-for-leads');
    assert.equal(policy.authorize(lead, call({ model: 'claude-sonnet-4-5' })).rule, 'everyone');
    assert.equal(refusal(() => policy.authorize(identity(), call({ model: 'claude-opus-4-1' }))).status, 403);
  });
});

describe('what a rule grants', () => {
  test('connections, as globs', () => {
    const policy = policyOf([{ name: 'vertex-users', connections: ['vertex-*'] }]);
    assert.equal(policy.authorize(identity(), call({ connection: 'vertex-eu' })).rule, 'vertex-users');
    assert.equal(refusal(() => policy.authorize(identity(), call({ connection: 'default' }))).status, 403);
  });

  test('model globs', () => {
    const policy = policyOf([{ name: 'sonnet-only', models: ['claude-sonnet-*'] }]);
    assert.equal(policy.authorize(identity(), call({ model: 'claude-sonnet-4-5-20250929' })).rule, 'sonnet-only');
    assert.equal(refusal(() => policy.authorize(identity(), call({ model: 'claude-opus-4-1' }))).status, 403);
  });

  test('a call without a model (a models listing, a malformed body) needs only the connection', () => {
    const policy = policyOf([{ name: 'sonnet-only', models: ['claude-sonnet-*'] }]);
    assert.equal(policy.authorize(identity(), { connection: 'default', path: '/v1/models' }).rule, 'sonnet-only');
  });

  test('a max_tokens cap: granted up to the cap and named in the grant, refused above it', () => {
    const policy = policyOf([{ name: 'capped', maxTokens: 4096 }]);
    assert.deepEqual(policy.authorize(identity(), call({ maxTokens: 4096 })), { rule: 'capped', maxTokensCap: 4096 });
    const error = refusal(() => policy.authorize(identity(), call({ maxTokens: 4097 })));
    assert.equal(error.status, 403);
    assert.equal(error.type, 'permission_error');
    assert.match(error.message, /max_tokens 4097.*"capped" \(4096\)/);
  });

  test('a later rule with a higher cap grants what an earlier capped rule cannot', () => {
    const policy = policyOf([
      { name: 'small', maxTokens: 1024 },
      { name: 'large-for-research', match: { groups: 'research' }, maxTokens: 32_000 },
    ]);
    assert.equal(policy.authorize(identity({ groups: ['research'] }), call({ maxTokens: 8000 })).rule, 'large-for-research');
    assert.equal(policy.authorize(identity({ groups: ['research'] }), call({ maxTokens: 500 })).rule, 'small');
  });
});

describe('denials', () => {
  const secretive = identity({
    subject: 'subject-7c1f',
    email: 'ada.lovelace@example.com',
    groups: ['group-q9z'],
    claims: { repository: 'acme/secret-project' },
  });

  test('are 403 permission_error naming the missing grant and the matching rules, not the caller claims', () => {
    const policy = policyOf([{ name: 'sonnet-for-staff', match: { email: '*@example.com' }, models: ['claude-sonnet-*'] }]);
    const error = refusal(() => policy.authorize(secretive, call({ model: 'claude-opus-4-1' })));
    assert.equal(error.status, 403);
    assert.equal(error.type, 'permission_error');
    assert.match(error.message, /Missing: a rule granting model "claude-opus-4-1" on connection "default"/);
    assert.match(error.message, /"sonnet-for-staff"/);
    for (const claim of ['subject-7c1f', 'ada.lovelace', 'group-q9z', 'secret-project', 'accounts.google.com']) {
      assert.ok(!error.message.includes(claim), `the denial reveals ${claim}: ${error.message}`);
    }
  });

  test('when no rule matches the caller at all, the message says so without naming other rules', () => {
    const policy = policyOf([{ name: 'ci-only', match: { repository: 'acme/widgets' } }]);
    const error = refusal(() => policy.authorize(secretive, call()));
    assert.match(error.message, /no policy rule matches this caller/);
    assert.ok(!error.message.includes('ci-only'));
    assert.ok(!error.message.includes('secret-project'));
  });

  test('a request-supplied model name that is long or unprintable is not echoed', () => {
    const policy = policyOf([{ name: 'sonnet-only', models: ['claude-sonnet-*'] }]);
    const error = refusal(() => policy.authorize(identity(), call({ model: `x\u0000${'y'.repeat(500)}` })));
    assert.match(error.message, /\(unprintable\)/);
  });
});

describe('configuration', () => {
  test('two rules of the same name are refused', () => {
    assert.throws(() => policyOf([{ name: 'a' }, { name: 'a' }]), /defined twice/);
  });

  test('unknown rule fields are refused by the schema', () => {
    assert.throws(() => policyConfigSchema.parse({ rules: [{ name: 'a', model: ['claude-*'] }] }));
  });
});
