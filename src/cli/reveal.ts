/**
 * `scribe reveal --key <private JWK file> [--store <url>] <exchange id | record file | ->`:
 * opens the sealed originals of redacted spans, for an auditor who holds the private key.
 * A record file is NDJSON (one exchange record a line) or a gzip batch file from the store;
 * "-" (or no argument with piped input) reads NDJSON from standard input.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { JWK } from 'jose';
import { decodeBatch } from '../record/batch-file.ts';
import { openSealed } from '../seal/jwe.ts';
import { stderrProgress } from './progress.ts';
import { auditOptions, openAuditStore } from './store-options.ts';

const usage = `Usage: scribe reveal --key <private JWK file> [--store <url>] [--json] <exchange id | record file | ->
Prints the originals of the redacted spans of an exchange. The store is --store or SCRIBE_STORE.
`;

interface SealedFinding {
  rule: string;
  where?: string;
  block?: number;
  start?: number;
  end?: number;
  sealed: string;
  kid?: string;
}

interface Revealed {
  exchange: string;
  rule: string;
  where?: string;
  block?: number;
  start?: number;
  end?: number;
  original?: string;
  error?: string;
}

function sealedFindings(record: unknown): SealedFinding[] {
  const found: SealedFinding[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') {
      const object = value as Record<string, unknown>;
      if (typeof object.sealed === 'string' && typeof object.rule === 'string') found.push(object as unknown as SealedFinding);
      else Object.values(object).forEach(visit);
    }
  };
  visit((record as { findings?: unknown })?.findings ?? record);
  return found;
}

async function readStdin(): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Uint8Array);
  return Buffer.concat(chunks);
}

/** Record lines from a file or standard input: NDJSON, or a gzip batch file. */
async function recordLines(bytes: Uint8Array): Promise<unknown[]> {
  const lines = bytes[0] === 0x1f && bytes[1] === 0x8b ? (await decodeBatch(bytes)).lines : new TextDecoder().decode(bytes).split(/\r?\n/);
  return lines.filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as unknown);
}

async function loadRecords(target: string | undefined, values: { store?: string; 'gcs-endpoint'?: string; cache?: string; refresh?: boolean }): Promise<unknown[]> {
  if (target === undefined || target === '-') return recordLines(await readStdin());
  if (existsSync(target)) return recordLines(new Uint8Array(await readFile(target)));
  const progress = stderrProgress('reveal');
  const audit = await openAuditStore(values, progress.report);
  try {
    const view = await audit.exchange(target);
    progress.done();
    return view ? [view.record] : [];
  } finally {
    await audit.close();
  }
}

export async function runReveal(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { ...auditOptions, key: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${usage}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(usage);
    return 0;
  }
  const target = positionals[0] ?? (process.stdin.isTTY ? undefined : '-');
  if (!values.key || target === undefined) {
    process.stderr.write(usage);
    return 2;
  }
  let key: JWK;
  try {
    key = JSON.parse(await readFile(values.key, 'utf8')) as JWK;
  } catch (error) {
    process.stderr.write(`cannot read key ${values.key}: ${(error as Error).message}\n`);
    return 2;
  }
  if (key.d === undefined) {
    process.stderr.write(`${values.key} is a public key; revealing needs the private key\n`);
    return 2;
  }

  let records: unknown[];
  try {
    records = await loadRecords(target, values);
  } catch (error) {
    process.stderr.write(`scribe reveal: ${(error as Error).message}\n`);
    return 1;
  }
  if (records.length === 0) {
    process.stderr.write(`no record found for ${target}\n`);
    return 1;
  }
  const revealed: Revealed[] = [];
  for (const record of records) {
    const exchange = String((record as { id?: unknown }).id ?? '?');
    for (const finding of sealedFindings(record)) {
      const { rule, where, block, start, end } = finding;
      const entry: Revealed = { exchange, rule, where, block, start, end };
      try {
        entry.original = await openSealed(key, finding.sealed);
      } catch (error) {
        entry.error = `cannot open (kid ${finding.kid ?? '?'}): ${(error as Error).message}`;
      }
      revealed.push(entry);
    }
  }
  for (const entry of revealed) {
    if (values.json) {
      process.stdout.write(`${JSON.stringify(entry)}\n`);
      continue;
    }
    const place = `${entry.where ?? ''}${entry.block !== undefined ? ` block ${entry.block}` : ''} ${entry.start ?? '?'}-${entry.end ?? '?'}`;
    process.stdout.write(`${entry.exchange}\t${entry.rule}\t${place}\t${entry.error ?? entry.original}\n`);
  }
  if (revealed.length === 0) process.stderr.write('no sealed findings in the record(s)\n');
  return revealed.length > 0 && revealed.every((entry) => entry.error === undefined) ? 0 : 1;
}
