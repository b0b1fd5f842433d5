/** The start journal: group commit, done marks, segments, and what a crash leaves open. */
import assert from 'node:assert/strict';
import { appendFile, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { StartJournal } from '../../src/store/start-journal.ts';
import { tempDir } from '../record/store-helpers.ts';

interface Item {
  id: string;
  who: string;
  body?: string;
}
const describe = (item: Item) => ({ id: item.id, who: item.who });

async function text(dir: string): Promise<string> {
  const files = await readdir(dir);
  return (await Promise.all(files.map((f) => readFile(join(dir, f), 'utf8')))).join('');
}

test('a burst of starts is committed with a few fsyncs, each start journaled without what describe leaves out', async () => {
  const dir = await tempDir('starts');
  const { journal, leftovers } = await StartJournal.open<Item>(dir, { describe, groupMs: 10 });
  assert.deepEqual(leftovers, []);
  for (let i = 0; i < 1000; i++) journal.started({ id: `e${i}`, who: 'alice', body: 'SECRET BODY' });
  await journal.durable();
  assert.ok(journal.commits <= 2, `${journal.commits} commits for one burst`);
  const written = await text(dir);
  assert.equal(written.split('\n').filter((l) => l.includes('"start"')).length, 1000);
  assert.doesNotMatch(written, /SECRET BODY/);
  await journal.close();
});

test('what was started and not done is left over at the next open, and stays open until done', async () => {
  const dir = await tempDir('leftovers');
  const { journal: first } = await StartJournal.open<Item>(dir, { describe });
  for (const id of ['a', 'b', 'c']) first.started({ id, who: 'bob' });
  await first.done(['b']);
  await first.durable();
  // A crash: no close. A line cut short by the crash is ignored.
  await appendFile(join(dir, (await readdir(dir))[0] as string), '{"start":{"id":"d"');
  const second = await StartJournal.open<Item>(dir, { describe });
  assert.deepEqual(second.leftovers.map((s) => s.id).sort(), ['a', 'c']);
  assert.deepEqual(second.leftovers.map((s) => s.who), ['bob', 'bob']);
  await second.journal.done(['a']);
  await second.journal.close();
  const third = await StartJournal.open<Item>(dir, { describe });
  assert.deepEqual(third.leftovers.map((s) => s.id), ['c']);
  assert.equal((await readdir(dir)).length, 1, 'old segments are removed');
  await third.journal.close();
});

test('a full segment is replaced by one holding only the open starts', async () => {
  const dir = await tempDir('segments');
  const { journal } = await StartJournal.open<Item>(dir, { describe, segmentBytes: 2000, groupMs: 1 });
  for (let i = 0; i < 200; i++) {
    journal.started({ id: `x${i}`, who: 'carol' });
    if (i !== 7) await journal.done([`x${i}`]);
  }
  await journal.durable();
  const files = await readdir(dir);
  assert.equal(files.length, 1);
  assert.ok((await text(dir)).length < 2000);
  await journal.close();
  const reopened = await StartJournal.open<Item>(dir, { describe });
  assert.deepEqual(reopened.leftovers.map((s) => s.id), ['x7']);
  await reopened.journal.close();
});
