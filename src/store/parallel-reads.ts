/**
 * Reads from a store with bounded concurrency. Object stores answer each request slowly but
 * many at once; a reader that waits for one object before asking for the next spends its time
 * waiting. These keep at most `limit` requests in flight.
 */

/** Runs `work` on every item, at most `limit` at a time; results in input order. */
export async function mapBounded<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * Yields `read(item)` for every item in input order, reading up to `limit` items ahead, so
 * a consumer that handles one result at a time keeps the store busy without holding more than
 * `limit` results in memory.
 */
export async function* readAhead<T, R>(items: Iterable<T>, limit: number, read: (item: T) => Promise<R>): AsyncGenerator<R> {
  const iterator = items[Symbol.iterator]();
  const queue: Promise<{ ok: true; value: R } | { ok: false; error: unknown }>[] = [];
  const fill = () => {
    while (queue.length < limit) {
      const step = iterator.next();
      if (step.done) return;
      queue.push(read(step.value).then((value) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error })));
    }
  };
  fill();
  while (queue.length > 0) {
    const settled = await queue.shift()!;
    fill();
    if (!settled.ok) throw settled.error;
    yield settled.value;
  }
}
