/** The spool keeps a batch's index beside it, and forgets an index whose batch never arrived. */
import assert from 'node:assert/strict';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { Spool } from '../../src/store/spool.ts';
import { tempDir } from '../record/store-helpers.ts';

const state = (name: string) => ({ instance: 'gw1', batch: { seq: 0, name, sha256: 'x' }, chain: { seq: 0, hash: 'h' } });

test('a spooled batch keeps its index until the store confirms it; then both go', async () => {
  const dir = await tempDir('spool-index');
  const spool = await Spool.open(dir, 'gw1');
  const name = 'batches/a/2026-11-29T10/20261129T100000000-gw1-0000000000.ndjson.gz';
  await spool.put(name, new Uint8Array([1, 2, 3]), state(name), new Uint8Array([4, 5]));
  spool.release(name);
  assert.deepEqual(await spool.readIndex(name), new Uint8Array([4, 5]));
  await spool.remove(name);
  assert.equal(await spool.readIndex(name), undefined);
  assert.deepEqual(await readdir(join(dir, 'pending')), []);
  await spool.close();
});

test('an index left without its batch by a crash is removed at the next open, and is never offered for upload', async () => {
  const dir = await tempDir('spool-orphan');
  await (await Spool.open(dir, 'gw1')).close();
  const orphan = 'batches~a~2026-11-29T10~20261129T100000000-gw1-0000000000.ndjson.gz.idx';
  await writeFile(join(dir, 'pending', orphan), new Uint8Array([9]));
  const spool = await Spool.open(dir, 'gw1');
  assert.deepEqual(spool.pending(), []);
  assert.deepEqual(await readdir(join(dir, 'pending')), []);
  await spool.close();
});
