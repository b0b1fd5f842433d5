/** verifyStore names every kind of damage: edited, missing, reordered, duplicated records or files. */
import assert from 'node:assert/strict';
import { cp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { before, test } from 'node:test';
import { gunzip, gzip } from '../../src/record/batch-file.ts';
import { sha256Hex } from '../../src/record/hash.ts';
import { createRecorder } from '../../src/record/index.ts';
import { listBatches } from '../../src/store/reader.ts';
import { openSink } from '../../src/store/sink.ts';
import { verifyStore } from '../../src/store/verify.ts';
import { agentSession } from '../record/agent-session.ts';
import { playStream, startOf } from '../record/fixtures.ts';
import { configFor, tempDir } from '../record/store-helpers.ts';

let pristine: string;
let names: string[];

before(async () => {
  const root = await tempDir('verify');
  const config = configFor(root);
  const recorder = await createRecorder(config, { instanceId: 'gw1', log: () => {} });
  for (const turn of agentSession(12)) {
    playStream(recorder, startOf(turn.body), turn.answer);
    await recorder.flush();
  }
  await recorder.close();
  pristine = join(root, 'store');
  names = await listBatches(await openSink(`file:${pristine}`));
});

/** A copy of the store, damaged by `damage`, and what verify says about it. */
async function verifyDamaged(damage: (dir: string) => Promise<void>): Promise<string[]> {
  const dir = await tempDir('damaged');
  await cp(pristine, dir, { recursive: true });
  await damage(dir);
  return (await verifyStore(await openSink(`file:${dir}`))).problems;
}

/** Rewrites the lines of a batch file (header first). */
async function rewrite(dir: string, name: string, edit: (lines: string[]) => string[] | Promise<string[]>): Promise<void> {
  const path = join(dir, name);
  const text = new TextDecoder().decode(await gunzip(await readFile(path)));
  const lines = text.split('\n').filter((l) => l !== '');
  await writeFile(path, await gzip(new TextEncoder().encode(`${(await edit(lines)).join('\n')}\n`)));
}

const sortedBySeq = () => [...names].sort((a, b) => a.slice(-20).localeCompare(b.slice(-20)));

test('an intact store verifies clean', async () => {
  const report = await verifyStore(await openSink(`file:${pristine}`));
  assert.deepEqual(report.problems, []);
  assert.equal(report.records, 12);
  assert.equal(report.batches, 12);
  assert.equal(report.instances, 1);
});

test('an edited record is reported', async () => {
  const problems = await verifyDamaged((dir) => rewrite(dir, names[3] as string, ([header, ...records]) => [header as string, ...records.map((r) => r.replace('"alice"', '"mallory"'))]));
  assert.ok(problems.some((p) => p.includes(names[3] as string) && p.includes('edited')), problems.join('\n'));
});

test('an edited record whose batch header was fixed up is still caught by the chains', async () => {
  const target = sortedBySeq()[4] as string;
  const problems = await verifyDamaged((dir) =>
    rewrite(dir, target, async ([header, ...records]) => {
      const edited = records.map((r) => r.replace('"alice"', '"mallory"'));
      const parsed = JSON.parse(header as string) as Record<string, unknown>;
      parsed.sha256 = await sha256Hex(edited.map((l) => `${l}\n`).join(''));
      return [JSON.stringify(parsed), ...edited];
    }),
  );
  assert.ok(problems.some((p) => p.includes('chain broken')), problems.join('\n'));
  assert.ok(problems.some((p) => p.includes('file changed after')), problems.join('\n'));
});

test('a missing batch file is reported', async () => {
  const target = sortedBySeq()[5] as string;
  const problems = await verifyDamaged((dir) => rm(join(dir, target)));
  assert.ok(problems.some((p) => p.includes('batch file(s) 5..5 missing')), problems.join('\n'));
  assert.ok(problems.some((p) => p.includes('record(s) 5..5 of gw1 missing')), problems.join('\n'));
});

test('a duplicated batch file is reported', async () => {
  const target = sortedBySeq()[2] as string;
  const copy = target.replace(/^batches\/[0-9a-f]\//, (m) => (m === 'batches/0/' ? 'batches/1/' : 'batches/0/'));
  const problems = await verifyDamaged(async (dir) => {
    await mkdir(dirname(join(dir, copy)), { recursive: true });
    await cp(join(dir, target), join(dir, copy));
  });
  assert.ok(problems.some((p) => p.includes('duplicates batch 2')), problems.join('\n'));
  assert.ok(problems.some((p) => p.includes('renamed or copied')), problems.join('\n'));
});

test('reordered records are reported', async () => {
  const root = await tempDir('reorder');
  const config = configFor(root, { batchMaxAgeMs: 60_000 });
  const recorder = await createRecorder(config, { instanceId: 'gw2', log: () => {} });
  for (let i = 0; i < 3; i++) playStream(recorder, startOf({ model: 'm', messages: [{ role: 'user', content: `q${i}` }] }), [{ type: 'text', text: 'a' }]);
  await recorder.close();
  const store = join(root, 'store');
  const [only] = await listBatches(await openSink(`file:${store}`));
  await rewrite(store, only as string, async ([header, a, b, c]) => {
    const swapped = [a, c, b] as string[];
    const parsed = JSON.parse(header as string) as Record<string, unknown>;
    parsed.sha256 = await sha256Hex(swapped.map((l) => `${l}\n`).join(''));
    return [JSON.stringify(parsed), ...swapped];
  });
  const { problems } = await verifyStore(await openSink(`file:${store}`));
  assert.ok(problems.some((p) => p.includes('out of order')), problems.join('\n'));
});

test('a corrupt batch file is reported', async () => {
  const target = names[0] as string;
  const problems = await verifyDamaged(async (dir) => writeFile(join(dir, target), (await readFile(join(dir, target))).subarray(0, 40)));
  assert.ok(problems.some((p) => p.includes(target) && p.includes('unreadable')), problems.join('\n'));
});
