/**
 * SIGKILL with batches pending: finished exchanges are already durable in the spool (within
 * the batch age, without any flush), and the next start drains them. Every finished exchange
 * ends up stored exactly once, the chain continues across the restart, and an exchange that
 * was streaming at the kill is recorded as far as it got.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { decodeBatch } from '../../src/record/batch-file.ts';
import { openSink } from '../../src/store/sink.ts';
import { verifyStore } from '../../src/store/verify.ts';
import { storedRecords, tempDir } from '../record/store-helpers.ts';
import { startGcsServer, type GcsServer } from '../support/gcs-server.ts';

let server: GcsServer;
before(async () => {
  server = await startGcsServer(['audit']);
});
after(() => server.stop());

const child = new URL('./recorder-child.ts', import.meta.url).pathname;

function run(args: string[], waitFor: string): Promise<{ kill: () => Promise<void>; done: Promise<number | null> }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', child, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const done = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let output = '';
    proc.stdout.on('data', (data: Buffer) => {
      output += data.toString();
      if (output.includes(waitFor)) {
        resolve({
          kill: async () => {
            proc.kill('SIGKILL');
            await done;
          },
          done,
        });
      }
    });
    proc.on('exit', (code) => reject(new Error(`child exited (${code}) before printing "${waitFor}": ${output}`)));
  });
}

/** Whether the in-flight journal holds chunks of an exchange. */
async function journaled(spoolDir: string, id: string): Promise<boolean> {
  const text = await readFile(join(spoolDir, 'inflight', `${id}.jsonl`), 'utf8').catch(() => '');
  return text.includes('"chunks"');
}

/** Record ids in the spool's pending batches (read from the files: the child holds the spool). */
async function spooledIds(spoolDir: string): Promise<string[]> {
  const pending = join(spoolDir, 'pending');
  const ids: string[] = [];
  for (const file of (await readdir(pending)).filter((f) => !f.startsWith('.tmp-') && !f.endsWith('.idx'))) {
    const { lines } = await decodeBatch(new Uint8Array(await readFile(join(pending, file))));
    ids.push(...lines.map((line) => (JSON.parse(line) as { id: string }).id));
  }
  return ids;
}

test('SIGKILL with batches pending loses no finished exchange; the next start drains the spool', { timeout: 120_000 }, async () => {
  const root = await tempDir('crash');
  const spoolDir = join(root, 'spool');
  const store = 'gs://audit/crash';
  server.failFor(3_600_000);

  const first = await run([spoolDir, store, server.url, '25', 'first'], 'ended');
  // No flush, no shutdown: the batch age alone makes finished exchanges durable,
  // and the in-flight journal keeps the exchange that is still streaming.
  while ((await spooledIds(spoolDir).catch(() => [])).length < 25 || !(await journaled(spoolDir, 'first-in-flight'))) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await first.kill();

  const expected = Array.from({ length: 25 }, (_, i) => `first-${i}`);
  assert.deepEqual((await spooledIds(spoolDir)).sort(), [...expected].sort());
  assert.equal(server.objects('audit').size, 0);
  assert.ok((await readdir(join(spoolDir, 'pending'))).length > 0);

  server.failFor(0);
  const drain = await run([spoolDir, store, server.url, '0', 'x'], 'drained all');
  assert.equal(await drain.done, 0);

  // A second life of the same instance continues its chain.
  server.failFor(3_600_000);
  const second = await run([spoolDir, store, server.url, '5', 'second'], 'ended');
  while ((await spooledIds(spoolDir)).length < 5) await new Promise((resolve) => setTimeout(resolve, 50));
  await second.kill();
  server.failFor(0);
  await (await run([spoolDir, store, server.url, '0', 'x'], 'drained all')).done;

  const records = await storedRecords(store, { gcsEndpoint: server.url });
  const ids = records.map((r) => r.id);
  const finished = [...expected, ...Array.from({ length: 5 }, (_, i) => `second-${i}`)];
  const inFlight = records.filter((r) => r.id.endsWith('-in-flight'));
  assert.deepEqual(ids.filter((id) => !id.endsWith('-in-flight')).sort(), finished.sort());
  // The exchange streaming at the first kill is recorded once, as far as it got.
  const interrupted = inFlight.find((r) => r.id === 'first-in-flight');
  assert.equal(inFlight.filter((r) => r.id === 'first-in-flight').length, 1);
  assert.equal(interrupted?.outcome.status, 'interrupted');
  assert.match(String(interrupted?.response?.message?.content[0]?.text), /^a long/);
  assert.equal(new Set(records.map((r) => r.chain.instance)).size, 1);
  const report = await verifyStore(await openSink(store, { gcsEndpoint: server.url }));
  assert.deepEqual(report.problems, []);
});

test('SIGKILL moments after an exchange began: the next start records that it began, as interrupted', { timeout: 60_000 }, async () => {
  const root = await tempDir('crash-start');
  const spoolDir = join(root, 'spool');
  const store = 'gs://audit/crash-start';
  const child = await run([spoolDir, store, server.url, 'begin', 'early'], 'begun');
  // Group commit: the start is fsynced within milliseconds, long before the 1 s in-flight journal.
  const startsFile = async () => (await readdir(join(spoolDir, 'starts'))).map((f) => join(spoolDir, 'starts', f));
  const began = Date.now();
  while (!(await Promise.all((await startsFile()).map((f) => readFile(f, 'utf8')))).join('').includes('early-just-begun')) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const durableAfterMs = Date.now() - began;
  await child.kill();
  assert.ok(durableAfterMs < 1000, `the start took ${durableAfterMs} ms to reach the journal`);
  assert.equal(await readdir(join(spoolDir, 'inflight')).catch(() => []).then((f) => f.length), 0);
  const journal = (await Promise.all((await startsFile()).map((f) => readFile(f, 'utf8')))).join('');
  assert.doesNotMatch(journal, /killed at once/, 'no request body in the start journal');

  await (await run([spoolDir, store, server.url, '0', 'x'], 'drained all')).done;
  const records = await storedRecords(store, { gcsEndpoint: server.url });
  assert.deepEqual(records.map((r) => [r.id, r.outcome.status]), [['early-just-begun', 'interrupted']]);
  assert.match(String(records[0]?.outcome.detail), /only its start had been journaled/);
  assert.equal(records[0]?.identity?.email, 'alice@example.com');
  assert.equal(records[0]?.connection, 'anthropic');
  // Recorded once: a further restart finds nothing left open.
  await (await run([spoolDir, store, server.url, '0', 'x'], 'drained all')).done;
  assert.equal((await storedRecords(store, { gcsEndpoint: server.url })).length, 1);
  const report = await verifyStore(await openSink(store, { gcsEndpoint: server.url }));
  assert.deepEqual(report.problems, []);
});
