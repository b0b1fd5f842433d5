/**
 * Three gateway replicas behind nginx (round robin), sharing rate limits through one
 * redis-server and recording into one store: the limit holds across replicas, a Redis outage
 * follows the configured failure mode (open), and the store verifies with one chain per replica.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { spawnGateway, runScribe, type SpawnedGateway } from '../support/spawn-gateway.ts';
import { startRedis } from '../support/redis-server.ts';
import { startLoadBalancer } from '../support/nginx.ts';
import { startOidcIssuer } from '../support/oidc-issuer.ts';
import { startUpstream } from '../support/upstream.ts';
import { storedRecords } from '../record/store-helpers.ts';

const LIMIT = 4;

test('three replicas share one per-caller limit through Redis and record into one verifiable store', { timeout: 120_000 }, async (t) => {
  const redis = await startRedis();
  t.after(() => redis.stop());
  const issuer = await startOidcIssuer();
  t.after(() => issuer.close());
  const upstream = await startUpstream();
  t.after(() => upstream.close());

  const dir = await mkdtemp(join(tmpdir(), 'scribe-replicas-'));
  const store = `file:${join(dir, 'store')}`;
  const configFile = join(dir, 'scribe.yaml');
  await writeFile(configFile, `policy:\n  rules:\n    - name: limited\n      requestsPerMinute: ${LIMIT}\n`);
  const replicas: SpawnedGateway[] = [];
  for (let i = 0; i < 3; i++) {
    replicas.push(
      await spawnGateway('node', {
        SCRIBE_CONFIG: configFile,
        SCRIBE_REDIS_URL: redis.url,
        SCRIBE_OIDC_ISSUER: issuer.issuer,
        SCRIBE_OIDC_AUDIENCE: issuer.audience,
        SCRIBE_UPSTREAM_URL: upstream.url,
        ANTHROPIC_API_KEY: upstream.apiKey,
        SCRIBE_MASKING: 'off',
        // One store for all; each replica keeps its own spool (spawnGateway gives each a data dir).
        SCRIBE_STORE: store,
      }),
    );
  }
  t.after(() => Promise.all(replicas.map((replica) => replica.stop())));
  const balancer = await startLoadBalancer(replicas.map((replica) => replica.url));
  t.after(() => balancer.stop());

  const client = new Anthropic({ baseURL: balancer.url, apiKey: await issuer.sign({ sub: 'ci-job-7' }), maxRetries: 0 });
  const streamOnce = async (): Promise<number> => {
    try {
      const stream = client.messages.stream({ model: 'claude-sonnet-5-5', max_tokens: 64, messages: [{ role: 'user', content: 'hello' }] });
      const message = await stream.finalMessage();
      assert.equal(message.content[0]?.type, 'text');
      return 200;
    } catch (error) {
      if (error instanceof Anthropic.APIError && error.status !== undefined) return error.status;
      throw error;
    }
  };

  // Phase 1: with Redis up, the caller gets LIMIT calls through the three replicas, no more.
  const shared: number[] = [];
  for (let i = 0; i < 3 * LIMIT; i++) shared.push(await streamOnce());
  assert.equal(shared.filter((s) => s === 200).length, LIMIT, `statuses: ${shared.join(' ')}`);
  assert.equal(shared.filter((s) => s === 429).length, 2 * LIMIT, `statuses: ${shared.join(' ')}`);
  assert.equal(upstream.calls.length, LIMIT);

  // Phase 2: Redis dies; fail open: every replica admits on its own count (LIMIT each), and
  // no call waits on the dead Redis.
  await redis.kill();
  const open: number[] = [];
  const started = performance.now();
  for (let i = 0; i < 6; i++) open.push(await streamOnce());
  assert.deepEqual(open, [200, 200, 200, 200, 200, 200]);
  assert.ok(performance.now() - started < 10_000, `six calls took ${Math.round(performance.now() - started)} ms`);
  const warned = replicas.filter((replica) => /shared limits: rate limits cannot be checked in Redis/.test(replica.stderr()));
  assert.equal(warned.length, 3, 'every replica warned that it counts alone');

  // Every replica flushes on SIGTERM; then the one store holds every exchange exactly once.
  for (const replica of replicas) assert.equal(await replica.stop(), 0);
  const records = await storedRecords(store);
  const ids = records.map((record) => record.id);
  assert.equal(new Set(ids).size, ids.length, 'an exchange was recorded twice');
  assert.equal(records.length, 3 * LIMIT + 6);
  assert.equal(records.filter((record) => record.outcome.status === 'complete').length, LIMIT + 6);
  assert.equal(records.filter((record) => record.outcome.status === 'rejected').length, 2 * LIMIT);
  const chains = new Set(records.map((record) => record.chain.instance));
  assert.equal(chains.size, 3, `chains: ${[...chains].join(', ')}`);

  const verified = await runScribe(['verify', '--store', store, '--json'], {});
  assert.equal(verified.code, 0, verified.stdout + verified.stderr);
  const report = JSON.parse(verified.stdout) as { instances: number; records: number; problems: string[] };
  assert.equal(report.instances, 3);
  assert.equal(report.records, records.length);
  assert.deepEqual(report.problems, []);
});
