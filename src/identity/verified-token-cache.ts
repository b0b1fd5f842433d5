import type { VerifiedToken } from './issuer-verifier.ts';

/**
 * Remembers tokens that passed verification until they expire, so a caller who sends the same
 * token on every request (every SDK and Claude Code do) pays for the signature check once.
 *
 * Keyed by the exact token string: a token that differs in any byte is verified afresh.
 * Bounded: when full, the oldest entries go first (a Map iterates in insertion order).
 * Entries also expire after maxLifetimeMs, so a key the issuer withdraws stops counting soon
 * even for long-lived tokens.
 */
export class VerifiedTokenCache {
  readonly #entries = new Map<string, VerifiedToken>();
  readonly #capacity: number;
  readonly #maxLifetimeMs: number;
  readonly #now: () => number;

  constructor(capacity: number, options: { maxLifetimeMs?: number; now?: () => number } = {}) {
    this.#capacity = capacity;
    this.#maxLifetimeMs = options.maxLifetimeMs ?? 5 * 60_000;
    this.#now = options.now ?? Date.now;
  }

  get(token: string): VerifiedToken | undefined {
    const entry = this.#entries.get(token);
    if (entry === undefined) return undefined;
    if (entry.expiresAtMs > this.#now()) return entry;
    this.#entries.delete(token);
    return undefined;
  }

  set(token: string, verified: VerifiedToken): void {
    if (this.#capacity === 0) return;
    const expiresAtMs = Math.min(verified.expiresAtMs, this.#now() + this.#maxLifetimeMs);
    this.#entries.delete(token);
    if (this.#entries.size >= this.#capacity) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) this.#entries.delete(oldest.value);
    }
    this.#entries.set(token, { identity: verified.identity, expiresAtMs });
  }

  get size(): number {
    return this.#entries.size;
  }
}
