/** Rate limits shared by replicas through a real redis-server: atomic, refilling, and failure modes. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPolicy, openLimits, policyConfigSchema, type Limits, type Policy } from '../../src/policy/index.ts';
import { GatewayError } from '../../src/http/errors.ts';
import { startRedis, type RunningRedis } from '../support/redis-server.ts';
import { identity } from './identity-fixture.ts';

const call = { connection: 'default', path: '/v1/messages', model: 'claude-sonnet-4-5', maxTokens: 100 };

let redis: RunningRedis;
const opened: Limits[] = [];
before(async () => {
  redis = await startRedis();
});
after(async () => {
  await Promise.all(opened.map((limits) => limits.close()));
  await redis.stop();
});

/** One replica's policy: its own Redis connection, the same rule. */
async function replica(rule: Record<string, unknown>, redisOptions: Record<string, unknown> = {}, warnings: string[] = []): Promise<Policy> {
  const config = policyConfigSchema.parse({ rules: [{ name: 'limited', ...rule }], redis: { url: redis.url, keyPrefix: `t${crypto.randomUUID()}:`, ...redisOptions } });
  const limits = await openLimits(config, { warn: (message) => warnings.push(message) });
  opened.push(limits);
  return createPolicy(config, { limits });
}

/** Replicas of one rule sharing one key space (as one deployment's replicas do). */
async function replicas(count: number, rule: Record<string, unknown>, redisOptions: Record<string, unknown> = {}, warnings: string[] = []): Promise<Policy[]> {
  const keyPrefix = `t${crypto.randomUUID()}:`;
  return Promise.all(Array.from({ length: count }, () => replica(rule, { keyPrefix, ...redisOptions }, warnings)));
}

async function outcome(policy: Policy, caller = identity()): Promise<number> {
  try {
    await policy.authorize(caller, call);
    return 200;
  } catch (error) {
    assert.ok(error instanceof GatewayError, String(error));
    return error.status;
  }
}

describe('requests per minute across replicas', () => {
  test('three replicas together grant a minute\'s worth, then 429 with retry-after', async () => {
    const [a, b, c] = await replicas(3, { requestsPerMinute: 4 });
    const statuses = [];
    for (const policy of [a, b, c, a, b, c]) statuses.push(await outcome(policy!));
    assert.deepEqual(statuses, [200, 200, 200, 200, 429, 429]);
    const refused = await Promise.resolve(b!.authorize(identity(), call)).then(
      () => assert.fail('granted'),
      (error: GatewayError) => error,
    );
    assert.equal(refused.type, 'rate_limit_error');
    assert.equal(refused.headers['retry-after'], '15');
    assert.match(refused.message, /rule "limited" allows this caller 4 requests per minute/);
  });

  test('concurrent calls on several replicas never overshoot: the check-and-take is atomic', async () => {
    const policies = await replicas(3, { requestsPerMinute: 7 });
    const statuses = await Promise.all(Array.from({ length: 30 }, (_, i) => outcome(policies[i % 3]!)));
    assert.equal(statuses.filter((s) => s === 200).length, 7);
    assert.equal(statuses.filter((s) => s === 429).length, 23);
  });

  test('each caller has an allowance of their own', async () => {
    const [a, b] = await replicas(2, { requestsPerMinute: 1 });
    assert.equal(await outcome(a!, identity({ subject: 'ada' })), 200);
    assert.equal(await outcome(b!, identity({ subject: 'grace' })), 200);
    assert.equal(await outcome(b!, identity({ subject: 'ada' })), 429);
  });
});

describe('tokens per minute across replicas', () => {
  test('tokens used through one replica put the caller in debt on the others', async () => {
    const [a, b] = await replicas(2, { tokensPerMinute: 6000 });
    const caller = identity();
    const grant = await a!.authorize(caller, call);
    a!.recordUsage(caller, grant, 9000);
    // The spend is booked after the call, off its path: wait for it to land.
    const deadline = Date.now() + 2000;
    let refused: GatewayError | undefined;
    while (!refused && Date.now() < deadline) {
      refused = await Promise.resolve(b!.authorize(caller, call)).then(() => undefined, (error: GatewayError) => error);
    }
    assert.ok(refused, 'the debt never reached the other replica');
    assert.equal(refused.status, 429);
    assert.match(refused.message, /6000 tokens per minute/);
    assert.ok(Number(refused.headers['retry-after']) >= 30 && Number(refused.headers['retry-after']) <= 31, refused.headers['retry-after']);
  });
});

describe('when Redis goes away', () => {
  test('open (the default): calls are admitted without waiting, counted in each process, with one warning', async () => {
    const warnings: string[] = [];
    const [a] = await replicas(1, { requestsPerMinute: 2 }, { timeoutMs: 200 }, warnings);
    await redis.kill();
    try {
      const started = performance.now();
      const statuses = [await outcome(a!), await outcome(a!), await outcome(a!)];
      assert.ok(performance.now() - started < 1500, `checks waited ${performance.now() - started} ms`);
      // The local count still holds the limit in this replica.
      assert.deepEqual(statuses, [200, 200, 429]);
      assert.equal(warnings.length, 1, warnings.join('\n'));
      assert.match(warnings[0]!, /shared limits: rate limits cannot be checked in Redis .*counting in this process/);
    } finally {
      await redis.restart();
    }
  });

  test('closed: calls are refused with 503 overloaded_error, promptly', async () => {
    const [a] = await replicas(1, { requestsPerMinute: 100 }, { whenUnavailable: 'closed', timeoutMs: 200 });
    assert.equal(await outcome(a!), 200);
    await redis.kill();
    try {
      const started = performance.now();
      const refused = await Promise.resolve(a!.authorize(identity(), call)).then(() => assert.fail('granted'), (error: GatewayError) => error);
      assert.ok(performance.now() - started < 1000);
      assert.equal(refused.status, 503);
      assert.equal(refused.type, 'overloaded_error');
    } finally {
      await redis.restart();
    }
  });

  test('once Redis is back the limits are shared again', async () => {
    const [a, b] = await replicas(2, { requestsPerMinute: 2 }, { timeoutMs: 200 });
    await redis.kill();
    await redis.restart();
    // ioredis reconnects on its own (retry backoff at most 2 s).
    const deadline = Date.now() + 5000;
    let statuses: number[] = [];
    while (Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      const probe = identity({ subject: `probe-${crypto.randomUUID()}` });
      statuses = [await outcome(a!, probe), await outcome(b!, probe), await outcome(a!, probe)];
      if (statuses[2] === 429 && statuses[0] === 200 && statuses[1] === 200) break;
    }
    assert.deepEqual(statuses, [200, 200, 429]);
  });
});
