/**
 * Reads that ride out a flaky store. Readers (the audit layer, verify) retry a read or a listing
 * that failed for a passing reason (429, 5xx, a dropped connection) with backoff; a missing
 * object or a denied read is final at once. Writes are not wrapped: the uploader has its own
 * retries, which know what a 412 after a retry means.
 */
import type { ListRange, Sink } from './sink.ts';
import { StoreAccessError } from './store-errors.ts';

export interface RetryPolicy {
  attempts: number;
  minMs: number;
  maxMs: number;
}

const transientCodes = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'UND_ERR_SOCKET']);

export function isTransient(error: unknown): boolean {
  if (error instanceof StoreAccessError) return error.kind === 'unreachable';
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'number') return code === 408 || code === 429 || code >= 500;
  return typeof code === 'string' && transientCodes.has(code);
}

async function retrying<T>(policy: RetryPolicy, work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= policy.attempts || !isTransient(error)) throw error;
      const ceiling = Math.min(policy.maxMs, policy.minMs * 2 ** (attempt - 1));
      await new Promise((resolve) => setTimeout(resolve, ceiling / 2 + Math.random() * (ceiling / 2)));
    }
  }
}

export function withReadRetries(sink: Sink, policy: RetryPolicy = { attempts: 5, minMs: 200, maxMs: 5000 }): Sink {
  return {
    url: sink.url,
    create: (name, bytes) => sink.create(name, bytes),
    holds: (name, bytes) => retrying(policy, () => sink.holds(name, bytes)),
    read: (name) => retrying(policy, () => sink.read(name)),
    list: (prefix: string, range?: ListRange) => retrying(policy, () => sink.list(prefix, range)),
    probe: () => retrying(policy, () => sink.probe()),
  };
}
