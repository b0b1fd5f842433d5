/**
 * Runs one `scribe` command in this process, as the CLI would, and reports how long it took
 * and its peak resident memory (for bench/audit.bench.ts). Usage:
 *   node --import tsx bench/audit/run-command.ts <report.json> <scribe root> <command> [args...]
 * The scribe root lets the benchmark run an older checkout side by side (the baseline).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [report, root, ...argv] = process.argv.slice(2);
const started = performance.now();
const { main } = (await import(pathToFileURL(join(root as string, 'src/cli/main.ts')).href)) as { main: (argv: string[]) => Promise<number> };
let code = 1;
let error: string | undefined;
try {
  code = await main(argv);
} catch (caught) {
  error = (caught as Error).message;
}
const usage = process.resourceUsage();
writeFileSync(report as string, JSON.stringify({ code, ms: performance.now() - started, cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000, maxRssMiB: usage.maxRSS / 1024, ...(error ? { error } : {}) }));
process.exit(code);
