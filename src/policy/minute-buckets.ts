/**
 * Per-key token buckets that refill at a per-minute rate: the rate limiter behind
 * requestsPerMinute and tokensPerMinute. A bucket starts full (a burst of a minute's worth is
 * allowed) and refills continuously, so a caller is never locked out for a whole window.
 *
 * Buckets may go negative: output tokens are only known after a call, so a large answer puts
 * the caller in debt that later calls wait off.
 */
interface Bucket {
  level: number;
  updatedAt: number;
}

export class MinuteBuckets {
  readonly #buckets = new Map<string, Bucket>();
  readonly #now: () => number;
  readonly #sweepAbove: number;

  constructor(options: { now?: () => number; sweepAbove?: number } = {}) {
    this.#now = options.now ?? Date.now;
    this.#sweepAbove = options.sweepAbove ?? 10_000;
  }

  /**
   * Takes `amount` if the bucket holds it. Returns 0 when taken, otherwise the seconds until
   * it would be (for retry-after), taking nothing.
   */
  take(key: string, perMinute: number, amount = 1): number {
    const bucket = this.#refilled(key, perMinute);
    if (bucket.level >= amount) {
      bucket.level -= amount;
      return 0;
    }
    return secondsUntil(amount - bucket.level, perMinute);
  }

  /** Seconds until the bucket is above zero again; 0 when it already is. Takes nothing. */
  waitFor(key: string, perMinute: number): number {
    const bucket = this.#refilled(key, perMinute);
    return bucket.level > 0 ? 0 : secondsUntil(1 - bucket.level, perMinute);
  }

  /** Spends `amount` whether or not the bucket holds it. */
  spend(key: string, perMinute: number, amount: number): void {
    this.#refilled(key, perMinute).level -= amount;
  }

  #refilled(key: string, perMinute: number): Bucket {
    const now = this.#now();
    let bucket = this.#buckets.get(key);
    if (bucket === undefined) {
      if (this.#buckets.size >= this.#sweepAbove) this.#sweep(now);
      bucket = { level: perMinute, updatedAt: now };
      this.#buckets.set(key, bucket);
      return bucket;
    }
    const elapsed = Math.max(0, now - bucket.updatedAt);
    bucket.level = Math.min(perMinute, bucket.level + (elapsed * perMinute) / 60_000);
    bucket.updatedAt = now;
    return bucket;
  }

  // Buckets idle for over a minute are full again, which is what a missing bucket means too;
  // dropping them bounds memory however many distinct callers come and go.
  #sweep(now: number): void {
    for (const [key, bucket] of this.#buckets) {
      if (now - bucket.updatedAt > 60_000 && bucket.level >= 0) this.#buckets.delete(key);
    }
  }
}

function secondsUntil(missing: number, perMinute: number): number {
  return Math.max(1, Math.ceil((missing * 60) / perMinute));
}
