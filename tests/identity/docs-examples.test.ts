/** The configuration examples in docs/identity-and-policy.md are valid and do what the prose says. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { identityConfigSchema } from '../../src/identity/config.ts';
import { createPolicy, policyConfigSchema } from '../../src/policy/index.ts';
import { identity } from '../policy/identity-fixture.ts';

const doc = await readFile(new URL('../../docs/identity-and-policy.md', import.meta.url), 'utf8');
const configBlocks = [...doc.matchAll(/```yaml\n# scribe\.yaml\n([\s\S]*?)```/g)].map((match) => parse(match[1]!) as Record<string, unknown>);

test('every scribe.yaml example parses with the identity and policy schemas', () => {
  assert.ok(configBlocks.length >= 2);
  for (const block of configBlocks) {
    if ('identity' in block) identityConfigSchema.parse(block.identity);
    if ('policy' in block) policyConfigSchema.parse(block.policy);
  }
});

test('the policy example grants and refuses as described', () => {
  const policy = createPolicy(policyConfigSchema.parse(configBlocks.find((block) => 'policy' in block)!.policy));
  const call = (model: string, connection = 'default', maxTokens = 1000) => ({ connection, path: '/v1/messages', model, maxTokens });
  const engineer = identity({ email: 'ada@example.com' });
  assert.equal(policy.authorize(engineer, call('claude-sonnet-4-5')).rule, 'engineers');
  assert.throws(() => policy.authorize(engineer, call('claude-opus-4-1')), /no rule grants model "claude-opus-4-1"/);
  const ci = (claims: Record<string, unknown>) => identity({ issuer: 'https://token.actions.githubusercontent.com', claims });
  assert.equal(policy.authorize(ci({ repository: 'acme/widgets', ref: 'refs/heads/main' }), call('claude-haiku-4-5')).rule, 'ci-widgets-main');
  assert.equal(
    policy.authorize(ci({ repository_owner: 'acme', ref: 'refs/heads/release/3.1' }), call('claude-sonnet-4-5', 'vertex')).rule,
    'ci-release-vertex',
  );
});
