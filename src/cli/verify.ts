/** `scribe verify`: exits 0 only when every batch file and record is intact and every chain complete. */
import { parseArgs } from 'node:util';
import { verifyStore } from '../store/verify.ts';
import { openStore, storeOptions } from './store-options.ts';

export async function runVerify(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { ...storeOptions, json: { type: 'boolean' } } });
  const sink = await openStore(values);
  const report = await verifyStore(sink);
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ store: sink.url, ...report }, null, 2)}\n`);
  } else {
    for (const problem of report.problems) process.stdout.write(`FAIL ${problem}\n`);
    const summary = `${sink.url}: ${report.batches} batch file(s), ${report.records} record(s), ${report.instances} writer(s)`;
    process.stdout.write(report.problems.length === 0 ? `OK ${summary}, all intact\n` : `${report.problems.length} problem(s) in ${summary}\n`);
  }
  return report.problems.length === 0 ? 0 : 1;
}
