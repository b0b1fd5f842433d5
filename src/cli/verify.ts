/** `scribe verify`: exits 0 only when every batch file and record is intact and every chain complete. */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { JWK } from 'jose';
import { verifyStore } from '../store/verify.ts';
import { openStore, storeOptions } from './store-options.ts';

async function readPublicKey(path: string): Promise<JWK> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as JWK;
  } catch (error) {
    throw new Error(`--key ${path}: ${(error as NodeJS.ErrnoException).code ?? 'not JSON'} (expected the public JWK from scribe checkpoint-key)`);
  }
}

export async function runVerify(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { ...storeOptions, json: { type: 'boolean' }, key: { type: 'string' }, checkpoints: { type: 'string', multiple: true } } });
  let key: JWK | undefined;
  try {
    key = values.key === undefined ? undefined : await readPublicKey(values.key);
  } catch (error) {
    process.stderr.write(`scribe verify: ${(error as Error).message}\n`);
    return 2;
  }
  if (values.checkpoints && !key) {
    process.stderr.write('scribe verify: --checkpoints needs --key (the public JWK that verifies them)\n');
    return 2;
  }
  const sink = await openStore(values);
  const checkpointStores = await Promise.all((values.checkpoints ?? []).map((url) => openStore({ ...values, store: url })));
  const report = await verifyStore(sink, key ? { key, checkpointStores } : {});
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ store: sink.url, ...report }, null, 2)}\n`);
  } else {
    for (const problem of report.problems) process.stdout.write(`FAIL ${problem}\n`);
    for (const writer of report.checkpoints?.writers ?? []) {
      const newest = writer.newest ? `, newest ${writer.newest.at}${writer.newest.final ? ' (final)' : ''}` : '';
      process.stdout.write(`writer ${writer.instance}: ${writer.checkpoints} checkpoint(s) verified, covering ${writer.batchesCovered} batch(es) and ${writer.recordsCovered} record(s)${newest}\n`);
    }
    for (const note of report.notes) process.stdout.write(`NOTE ${note}\n`);
    const summary = `${sink.url}: ${report.batches} batch file(s), ${report.records} record(s), ${report.instances} writer(s)`;
    process.stdout.write(report.problems.length === 0 ? `OK ${summary}, all intact\n` : `${report.problems.length} problem(s) in ${summary}\n`);
  }
  return report.problems.length === 0 ? 0 : 1;
}
