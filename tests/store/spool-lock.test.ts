/** One process per spool directory: a second one is refused with a clear error; a dead one's lock is taken over. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Spool } from '../../src/store/spool.ts';
import { tempDir } from '../record/store-helpers.ts';
import { spawnGateway } from '../support/spawn-gateway.ts';

test('a second gateway on the same spool directory refuses to start, naming the directory and the holder', { timeout: 60_000 }, async () => {
  const first = await spawnGateway('node', {});
  const spoolDir = join(first.dataDir, 'spool');
  try {
    const second = spawnGateway('node', { SCRIBE_SPOOL_DIR: spoolDir });
    const error = await second.then(
      () => assert.fail('the second gateway started'),
      (e: Error) => e.message,
    );
    const holder = JSON.parse(await readFile(join(spoolDir, 'lock'), 'utf8')) as { pid: number };
    assert.equal(holder.pid, first.child.pid);
    assert.match(error, new RegExp(`spool directory ${spoolDir} is in use by process ${first.child.pid} on ${hostname()}`));
    assert.match(error, /give each its own SCRIBE_SPOOL_DIR/);
    assert.doesNotMatch(error, /\n\s+at /, 'no stack trace');
  } finally {
    await first.stop();
  }
});

test('a spool is held until closed, then free for the next opener', async () => {
  const dir = await tempDir('lock');
  const spool = await Spool.open(dir);
  await assert.rejects(Spool.open(dir), /spool directory .* is in use by process \d+/);
  await spool.close();
  await (await Spool.open(dir)).close();
});

test('the lock of a process that died is taken over', async () => {
  const dir = await tempDir('stale');
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
  await new Promise((resolve) => child.once('spawn', resolve));
  await writeFile(join(dir, 'lock'), JSON.stringify({ pid: child.pid, host: hostname(), since: new Date().toISOString() }));
  await assert.rejects(Spool.open(dir), /in use by process/);
  child.kill('SIGKILL');
  await new Promise((resolve) => child.once('exit', resolve));
  const spool = await Spool.open(dir);
  assert.equal((JSON.parse(await readFile(join(dir, 'lock'), 'utf8')) as { pid: number }).pid, process.pid);
  await spool.close();
});

test('a lock held on another host is never taken over', async () => {
  const dir = await tempDir('remote');
  await writeFile(join(dir, 'lock'), JSON.stringify({ pid: 1, host: 'elsewhere', since: '2026-01-01T00:00:00.000Z' }));
  await assert.rejects(Spool.open(dir), /in use by process 1 on elsewhere \(since 2026-01-01T00:00:00.000Z\)/);
});
