/**
 * `scribe index`: builds the indexes a store lacks (stores written before indexes existed),
 * then brings the local index cache up to date, so the next question is answered at once.
 */
import { parseArgs } from 'node:util';
import { buildMissingIndexes } from '../audit/build-indexes.ts';
import { stderrProgress } from './progress.ts';
import { auditOptions, openAuditStore, openStore, parseTime } from './store-options.ts';

const usage = `Usage: scribe index [--since <time>] [--until <time>] [--cache-only] [--refresh]
Writes the missing per-batch indexes and index segments of the store (--store or SCRIBE_STORE; needs
write access), then fills the local index cache (--cache). --cache-only skips writing. Safe to
interrupt and run again: it continues where it stopped.
`;

export async function runIndex(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: { ...auditOptions, since: { type: 'string' }, until: { type: 'string' }, 'cache-only': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } }));
  } catch (error) {
    process.stderr.write(`scribe index: ${(error as Error).message}\n${usage}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(usage);
    return 0;
  }
  const progress = stderrProgress('index');
  try {
    const since = parseTime(values.since);
    const until = parseTime(values.until);
    const range = { ...(since !== undefined ? { since } : {}), ...(until !== undefined ? { until } : {}) };
    const sink = await openStore(values);
    await sink.probe();
    if (!values['cache-only']) {
      const report = await buildMissingIndexes(sink, range, { concurrency: 16, progress: progress.report, log: (m) => process.stderr.write(`scribe index: ${m}\n`) });
      progress.done();
      process.stdout.write(`${sink.url}: ${report.batches} batch file(s); ${report.built} index(es) written, ${report.batches - report.built - report.unreadable.length} already there\n`);
      for (const problem of report.unreadable) process.stdout.write(`unreadable: ${problem}\n`);
    }
    const audit = await openAuditStore(values, progress.report);
    try {
      await audit.update(range);
      audit.cache.refreshSessionHours({}, (done, total) => progress.report({ phase: 'sum', done, total }));
      progress.done();
      const count = audit.cache.db.prepare('SELECT count(*) FROM exchanges').pluck().get() as number;
      process.stdout.write(`index cache up to date: ${count} exchange(s)\n`);
    } finally {
      await audit.close();
    }
    return 0;
  } catch (error) {
    progress.done();
    process.stderr.write(`scribe index: ${(error as Error).message}\n`);
    return 1;
  }
}
