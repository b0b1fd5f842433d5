/** `scribe verify`: exits 0 only when the store exists, holds batches, and every batch file, record and chain is intact. */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { JWK } from 'jose';
import { verifyStore, type VerifyReport } from '../store/verify.ts';
import { withReadRetries } from '../store/retrying-reads.ts';
import { stderrProgress } from './progress.ts';
import { openStore, parseTime, storeOptions } from './store-options.ts';

const usage = `Usage: scribe verify [--key <public JWK>] [--checkpoints <store>]... [--since <time>] [--until <time>] [--json]
Checks every batch file, record and chain of the store (--store or SCRIBE_STORE); with --since/--until
only the batches of that window, and the link into it. With --key (from scribe checkpoint-key) it also
checks the signed checkpoints, so that a writer's newest batches cannot be removed unseen;
--checkpoints adds a second destination's copies. Exits 0 only when all is intact.
`;

async function readPublicKey(path: string): Promise<JWK> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as JWK;
  } catch (error) {
    throw new Error(`--key ${path}: ${(error as NodeJS.ErrnoException).code ?? 'not JSON'} (expected the public JWK from scribe checkpoint-key)`);
  }
}

function jsonReport(report: VerifyReport): unknown {
  return {
    ...report,
    ok: report.problems.length === 0,
    writers: report.writers.map(({ batchFiles: _files, ...writer }) => writer),
  };
}

export async function runVerify(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: { ...storeOptions, json: { type: 'boolean' }, since: { type: 'string' }, until: { type: 'string' }, concurrency: { type: 'string' }, key: { type: 'string' }, checkpoints: { type: 'string', multiple: true } } }));
  } catch (error) {
    process.stderr.write(`scribe verify: ${(error as Error).message}\n${usage}`);
    return 2;
  }
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
  const progress = stderrProgress('verify');
  let report: VerifyReport;
  try {
    const checkpointStores = await Promise.all((values.checkpoints ?? []).map(async (url) => withReadRetries(await openStore({ ...values, store: url }))));
    const since = parseTime(values.since);
    const until = parseTime(values.until);
    const sink = withReadRetries(await openStore(values));
    report = await verifyStore(sink, {
      ...(since !== undefined ? { since } : {}),
      ...(until !== undefined ? { until } : {}),
      ...(values.concurrency ? { concurrency: Number(values.concurrency) } : {}),
      progress: (done, total) => progress.report({ phase: 'verify', done, total }),
      ...(key ? { key, checkpointStores } : {}),
    });
    progress.done();
  } catch (error) {
    progress.done();
    const message = (error as Error).message;
    if (values.json) process.stdout.write(`${JSON.stringify({ store: values.store ?? process.env.SCRIBE_STORE, ok: false, problems: [message] }, null, 2)}\n`);
    else process.stderr.write(`scribe verify: ${message}\n`);
    return 1;
  }
  if (values.json) {
    process.stdout.write(`${JSON.stringify(jsonReport(report), null, 2)}\n`);
  } else {
    for (const problem of report.problems) process.stdout.write(`FAIL ${problem}\n`);
    for (const writer of report.checkpoints?.writers ?? []) {
      const newest = writer.newest ? `, newest ${writer.newest.at}${writer.newest.final ? ' (final)' : ''}` : '';
      process.stdout.write(`writer ${writer.instance}: ${writer.checkpoints} checkpoint(s) verified, covering ${writer.batchesCovered} batch(es) and ${writer.recordsCovered} record(s)${newest}\n`);
    }
    for (const note of report.notes) process.stdout.write(`NOTE ${note}\n`);
    const summary = `${report.store}: ${report.batches} batch file(s), ${report.records} record(s), ${report.instances} writer(s)`;
    process.stdout.write(report.problems.length === 0 ? `OK ${summary}, all intact\n` : `${report.problems.length} problem(s) in ${summary}\n`);
  }
  return report.problems.length === 0 ? 0 : 1;
}
