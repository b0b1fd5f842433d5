/** A store written by real recorders that sign checkpoints, and ways to damage copies of it. */
import { cp, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { openSigningKey, type SigningKey } from '../../src/checkpoint/signing-key.ts';
import { createRecorder } from '../../src/record/index.ts';
import { listBatches } from '../../src/store/reader.ts';
import { openSink } from '../../src/store/sink.ts';
import { verifyStore, type VerifyReport } from '../../src/store/verify.ts';
import { playStream, startOf } from '../record/fixtures.ts';
import { configFor, tempDir } from '../record/store-helpers.ts';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits until `condition` holds (the machine may be busy), failing after `timeoutMs`. */
export async function until(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(10);
  }
}

export async function signingKeyIn(dir: string): Promise<SigningKey> {
  return openSigningKey({ dataDir: dir });
}

/**
 * Records `batches` batches as writer `instance` into `root`/store, one exchange per batch,
 * `gapMs` apart, with checkpoints every `intervalMs`; closes cleanly (final checkpoint).
 */
export async function recordBatches(root: string, instance: string, key: SigningKey, batches: number, gapMs: number, intervalMs = 100, published: string[] = [], checkpointMirror?: string): Promise<void> {
  const config = configFor(root, { spoolDir: join(root, `spool-${instance}`), checkpointIntervalMs: intervalMs, ...(checkpointMirror ? { checkpointMirror } : {}) });
  const recorder = await createRecorder(config, { instanceId: instance, log: () => {}, signingKey: key, publishCheckpoint: ({ jws }) => published.push(jws) });
  for (let i = 0; i < batches; i++) {
    playStream(recorder, startOf({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: `${instance} q${i}` }] }), [{ type: 'text', text: `answer ${i}` }]);
    await recorder.flush();
    await sleep(gapMs);
  }
  await recorder.close();
}

/** Batch names of one writer, by sequence number. */
export async function batchesOf(store: string, instance: string): Promise<string[]> {
  const names = await listBatches(await openSink(`file:${store}`));
  return names.filter((n) => n.includes(`-${instance}-`)).sort((a, b) => a.slice(-20).localeCompare(b.slice(-20)));
}

/** Checkpoint names of one writer, oldest first. */
export async function checkpointsOf(store: string, instance: string): Promise<string[]> {
  const files = await readdir(join(store, 'checkpoints', instance)).catch(() => []);
  return files.sort().map((f) => `checkpoints/${instance}/${f}`);
}

/** Verifies a damaged copy of `store`. */
export async function verifyCopy(store: string, key: SigningKey | undefined, damage: (dir: string) => Promise<void>): Promise<VerifyReport> {
  const dir = await tempDir('damaged');
  await cp(store, dir, { recursive: true });
  await damage(dir);
  return verifyStore(await openSink(`file:${dir}`), key ? { key: key.publicJwk } : {});
}

export async function remove(dir: string, names: readonly string[]): Promise<void> {
  await Promise.all(names.map((name) => rm(join(dir, name))));
}
