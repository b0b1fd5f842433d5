/**
 * Integrity of the batch files behind what a viewer shows: each file intact, matching the
 * index it was listed by, and linked to its neighbours in its writer's chain. `scribe verify`
 * checks the whole store; this checks the few files on screen, in plain words.
 */
import { readBatch, type StoredBatch } from '../store/reader.ts';
import { mapBounded } from '../store/parallel-reads.ts';
import type { Sink } from '../store/sink.ts';
import { checkBatchFile } from '../store/verify.ts';
import { sha256Hex } from '../record/hash.ts';
import type { IndexCache } from './index-cache.ts';
import type { BatchIntegrity } from './types.ts';

function neighbour(cache: IndexCache, instance: string, seq: number): string | undefined {
  return cache.db.prepare('SELECT name FROM batches WHERE instance = ? AND seq = ? AND source != ?').pluck().get(instance, seq, 'unreadable') as string | undefined;
}

async function tryRead(sink: Sink, name: string): Promise<StoredBatch | undefined> {
  try {
    return await readBatch(sink, name);
  } catch {
    return undefined;
  }
}

async function checkOne(sink: Sink, cache: IndexCache, name: string): Promise<BatchIntegrity> {
  const batch = await tryRead(sink, name);
  if (!batch) return { batch: name, ok: false, problems: [`${name} is missing from the store or cannot be read`] };
  const problems = checkBatchFile(batch);
  if ((await sha256Hex(batch.lines.map((l) => `${l}\n`).join(''))) !== batch.header.sha256) problems.push('its records were edited, added or removed after it was written');
  const indexed = cache.batch(name);
  if (indexed && indexed.sha256 && indexed.sha256 !== batch.sha256) problems.push('the file differs from the one its index describes');
  const { instance, seq, prev } = batch.header;
  if (prev) {
    const before = await tryRead(sink, prev.name);
    if (!before) problems.push(`the batch before it (${prev.name}) is missing`);
    else if (before.sha256 !== prev.sha256) problems.push(`the batch before it (${prev.name}) was changed after this one was written`);
  } else if (seq !== 0) problems.push('it names no predecessor though it is not its writer\'s first batch');
  const nextName = neighbour(cache, instance, seq + 1);
  if (nextName) {
    const after = await tryRead(sink, nextName);
    if (after && after.header.prev?.sha256 !== batch.sha256) problems.push(`the batch after it (${nextName}) names a different file: this one was changed or replaced`);
  }
  return { batch: name, ok: problems.length === 0, problems };
}

export function checkBatches(sink: Sink, cache: IndexCache, names: readonly string[]): Promise<BatchIntegrity[]> {
  return mapBounded([...new Set(names)], 8, (name) => checkOne(sink, cache, name));
}
