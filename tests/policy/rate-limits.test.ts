/** Per-caller rate limits of a rule: requests and tokens per minute, 429 with retry-after. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPolicy, policyConfigSchema } from '../../src/policy/index.ts';
import { identity } from './identity-fixture.ts';
import { refusal } from './refusal.ts';

function clockedPolicy(rule: Record<string, unknown>) {
  const clock = { now: 1_000_000 };
  const policy = createPolicy(policyConfigSchema.parse({ rules: [{ name: 'limited', ...rule }] }), { now: () => clock.now });
  return { policy, clock };
}

const call = { connection: 'default', path: '/v1/messages', model: 'claude-sonnet-4-5', maxTokens: 100 };


describe('requests per minute', () => {
  test('a minute\'s worth is granted, the next is 429 rate_limit_error with retry-after', () => {
    const { policy } = clockedPolicy({ requestsPerMinute: 3 });
    const caller = identity();
    for (let i = 0; i < 3; i++) policy.authorize(caller, call);
    const error = refusal(() => policy.authorize(caller, call));
    assert.equal(error.status, 429);
    assert.equal(error.type, 'rate_limit_error');
    assert.equal(error.headers['retry-after'], '20');
    assert.match(error.message, /rule "limited" allows this caller 3 requests per minute/);
  });

  test('the allowance refills over time, at the configured rate', () => {
    const { policy, clock } = clockedPolicy({ requestsPerMinute: 3 });
    const caller = identity();
    for (let i = 0; i < 3; i++) policy.authorize(caller, call);
    clock.now += 19_000;
    refusal(() => policy.authorize(caller, call));
    clock.now += 1_000;
    assert.equal(policy.authorize(caller, call).rule, 'limited');
  });

  test('each caller has an allowance of their own', () => {
    const { policy } = clockedPolicy({ requestsPerMinute: 1 });
    policy.authorize(identity({ subject: 'ada' }), call);
    assert.equal(policy.authorize(identity({ subject: 'grace' }), call).rule, 'limited');
    assert.equal(policy.authorize(identity({ subject: 'ada', issuer: 'https://token.actions.githubusercontent.com' }), call).rule, 'limited');
    assert.equal(refusal(() => policy.authorize(identity({ subject: 'ada' }), call)).status, 429);
  });
});

describe('tokens per minute', () => {
  test('reported usage beyond the allowance refuses further calls until it is paid off', () => {
    const { policy, clock } = clockedPolicy({ tokensPerMinute: 6000 });
    const caller = identity();
    const grant = policy.authorize(caller, call);
    policy.recordUsage(caller, grant, 9000); // 3000 over
    const error = refusal(() => policy.authorize(caller, call));
    assert.equal(error.status, 429);
    assert.equal(error.headers['retry-after'], '31');
    assert.match(error.message, /6000 tokens per minute/);
    clock.now += 31_000;
    assert.equal(policy.authorize(caller, call).rule, 'limited');
  });

  test('usage within the allowance refuses nothing', () => {
    const { policy } = clockedPolicy({ tokensPerMinute: 6000 });
    const caller = identity();
    for (let i = 0; i < 5; i++) policy.recordUsage(caller, policy.authorize(caller, call), 1000);
    assert.equal(policy.authorize(caller, call).rule, 'limited');
  });

  test('a call refused for token debt does not use up a request', () => {
    const { policy, clock } = clockedPolicy({ tokensPerMinute: 600, requestsPerMinute: 1 });
    const caller = identity();
    policy.recordUsage(caller, { rule: 'limited' }, 700);
    refusal(() => policy.authorize(caller, call));
    clock.now += 11_000; // 100 tokens of debt paid off at 10 per second
    assert.equal(policy.authorize(caller, call).rule, 'limited');
  });
});

describe('no limits configured', () => {
  test('calls are never rate limited', () => {
    const { policy } = clockedPolicy({});
    const caller = identity();
    for (let i = 0; i < 1000; i++) policy.recordUsage(caller, policy.authorize(caller, call), 100_000);
    assert.equal(policy.authorize(caller, call).rule, 'limited');
  });
});
