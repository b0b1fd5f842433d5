/**
 * Rate limits shared by every replica through Redis: the same refilling minute buckets as
 * MinuteBuckets, kept in Redis hashes and changed only by Lua scripts, so a check-and-take is
 * atomic across replicas and costs one round trip. Redis's own clock (TIME) measures refill,
 * so replicas whose clocks disagree still agree on the limits.
 *
 * When Redis cannot answer within timeoutMs (down, unreachable, not yet connected), the
 * configured failure mode applies: "open" counts the call in this process instead (the limit
 * then holds per replica), "closed" refuses it with a 503. A check never waits longer than
 * timeoutMs, so a Redis outage never stalls a call, and a stream never waits on Redis at all.
 */
import { Redis } from 'ioredis';
import { GatewayError } from '../http/errors.ts';
import type { SharedLimitsConfig } from './config.ts';
import type { SharedLimitsEvents } from './index.ts';
import { LocalLimits, type Allowance, type LimitCheck, type Limits, type LimitVerdict } from './limits.ts';

// A bucket's level now: full when absent, else refilled at `rate` per minute since it was last set.
const LEVEL = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local function level(key, rate)
  local v = redis.call('HMGET', key, 'l', 't')
  local l, at = tonumber(v[1]), tonumber(v[2])
  if l == nil then return rate end
  return math.min(rate, l + math.max(0, now - at) * rate / 60000)
end
-- Kept until it would be full again, which is what an absent bucket means.
local function store(key, rate, l)
  redis.call('HSET', key, 'l', string.format('%.17g', l), 't', now)
  redis.call('PEXPIRE', key, math.ceil((rate - l) * 60000 / rate) + 1000)
end
`;

// KEYS: token bucket, request bucket. ARGV: tokens per minute, requests per minute (0: none).
// Returns {0, 0} when admitted, {1, seconds} for token debt, {2, seconds} for no request left.
const ADMIT = `${LEVEL}
local tpm, rpm = tonumber(ARGV[1]), tonumber(ARGV[2])
if tpm > 0 then
  local l = level(KEYS[1], tpm)
  if l <= 0 then return {1, math.max(1, math.ceil((1 - l) * 60 / tpm))} end
end
if rpm > 0 then
  local l = level(KEYS[2], rpm)
  if l < 1 then return {2, math.max(1, math.ceil((1 - l) * 60 / rpm))} end
  store(KEYS[2], rpm, l - 1)
end
return {0, 0}
`;

// KEYS: token bucket. ARGV: tokens per minute, tokens used. The bucket may go into debt.
const SPEND = `${LEVEL}
local rate = tonumber(ARGV[1])
store(KEYS[1], rate, level(KEYS[1], rate) - tonumber(ARGV[2]))
return 0
`;

type ScriptedRedis = Redis & {
  scribeAdmit(tokensKey: string, requestsKey: string, tpm: number, rpm: number): Promise<[number, number]>;
  scribeSpend(tokensKey: string, tpm: number, amount: number): Promise<number>;
};


export class RedisLimits implements Limits {
  readonly #redis: ScriptedRedis;
  readonly #config: SharedLimitsConfig;
  readonly #events: SharedLimitsEvents;
  /** Where calls are counted while Redis is away (fail open). */
  readonly #fallback = new LocalLimits();
  #lastWarning = 0;

  private constructor(redis: ScriptedRedis, config: SharedLimitsConfig, events: SharedLimitsEvents) {
    this.#redis = redis;
    this.#config = config;
    this.#events = events;
  }

  /** Connects (waiting at most a few timeouts: a Redis that is down does not stop start-up). */
  static async connect(config: SharedLimitsConfig, events: SharedLimitsEvents): Promise<RedisLimits> {
    const redis = new Redis(config.url, {
      keyPrefix: config.keyPrefix,
      // Fail fast instead of queueing: a check waits for a live connection or not at all.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: config.timeoutMs,
      connectTimeout: Math.max(1000, config.timeoutMs * 4),
      retryStrategy: (attempt) => Math.min(100 * attempt, 2000),
      lazyConnect: true,
    }) as ScriptedRedis;
    redis.defineCommand('scribeAdmit', { numberOfKeys: 2, lua: ADMIT });
    redis.defineCommand('scribeSpend', { numberOfKeys: 1, lua: SPEND });
    // Connection errors surface through the failure mode of each check, rate-limited below.
    redis.on('error', () => {});
    const limits = new RedisLimits(redis, config, events);
    await redis.connect().catch((error: Error) => limits.#warn(`cannot reach Redis yet (${error.message})`));
    return limits;
  }

  admit(check: LimitCheck): Promise<LimitVerdict> {
    const tokens = check.tokens ?? { key: '', perMinute: 0 };
    const requests = check.requests ?? { key: '', perMinute: 0 };
    return this.#redis.scribeAdmit(tokens.key || requests.key, requests.key || tokens.key, tokens.perMinute, requests.perMinute).then(
      ([refused, seconds]) => (refused === 0 ? undefined : { limit: refused === 1 ? 'tokens' : 'requests', retryAfterSeconds: seconds }),
      (error: Error) => this.#unavailable(error, () => this.#fallback.admit(check)),
    );
  }

  spend(allowance: Allowance, amount: number): void {
    this.#redis.scribeSpend(allowance.key, allowance.perMinute, amount).catch((error: Error) => {
      this.#fallback.spend(allowance, amount);
      this.#events.unavailable?.();
      this.#warn(`could not book ${amount} tokens in Redis (${error.message}); counted in this process`);
    });
  }

  async close(): Promise<void> {
    this.#redis.disconnect();
  }

  #unavailable(error: Error, open: () => LimitVerdict): LimitVerdict {
    this.#events.unavailable?.();
    if (this.#config.whenUnavailable === 'closed') {
      this.#warn(`rate limits cannot be checked in Redis (${error.message}); refusing calls (policy.redis.whenUnavailable: closed)`);
      throw new GatewayError(503, 'overloaded_error', 'The gateway cannot check rate limits right now; retry shortly.', { 'retry-after': '1' });
    }
    this.#warn(`rate limits cannot be checked in Redis (${error.message}); counting in this process until it is back (policy.redis.whenUnavailable: open)`);
    return open();
  }

  // One warning per 10 s: an outage under load must not flood the log.
  #warn(message: string): void {
    const now = Date.now();
    if (now - this.#lastWarning < 10_000) return;
    this.#lastWarning = now;
    this.#events.warn(`shared limits: ${message}`);
  }
}
