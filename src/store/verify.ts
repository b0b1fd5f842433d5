/**
 * Checks a store end to end: every batch file intact and named as its header says, every
 * writer's batch chain and record chain complete and in order, nothing duplicated, and every
 * reference (parent, history delta, definition) resolvable. Returns what is wrong, in words.
 */
import type { JWK } from 'jose';
import { checkCheckpoints, type CheckpointReport, type WriterBatches } from '../checkpoint/check.ts';
import { CHECKPOINT_PREFIX } from '../checkpoint/checkpoint.ts';
import { sha256Hex } from '../record/hash.ts';
import type { ExchangeRecord } from '../record/record.ts';
import { parseBatchName } from './batch-names.ts';
import { listBatches, readBatch, type StoredBatch } from './reader.ts';
import type { Sink } from './sink.ts';

export interface VerifyReport {
  batches: number;
  records: number;
  instances: number;
  problems: string[];
  /** Facts that do not fail the store (such as: truncation not checked without a key). */
  notes: string[];
  /** With a key: the signed checkpoints, per writer. */
  checkpoints?: CheckpointReport;
}

async function checkFile(sink: Sink, name: string, problems: string[]): Promise<StoredBatch | undefined> {
  const parsed = parseBatchName(name);
  if (!parsed) {
    problems.push(`${name}: not a batch file name`);
    return undefined;
  }
  if (/\.clash[0-9a-f]+\.ndjson\.gz$/.test(name)) problems.push(`${name}: a different batch was already stored under this batch's name`);
  let batch: StoredBatch;
  try {
    batch = await readBatch(sink, name);
  } catch (error) {
    problems.push(`${name}: unreadable (${(error as Error).message})`);
    return undefined;
  }
  const { header, lines } = batch;
  if (header.name !== name && !name.includes('.clash')) problems.push(`${name}: header names it ${header.name} (renamed or copied)`);
  if (header.instance !== parsed.instance || header.seq !== parsed.seq) problems.push(`${name}: header says instance ${header.instance} batch ${header.seq}`);
  if (header.records !== lines.length) problems.push(`${name}: header counts ${header.records} records, file has ${lines.length}`);
  if ((await sha256Hex(lines.map((l) => `${l}\n`).join(''))) !== header.sha256) problems.push(`${name}: records were edited, added or removed (content hash mismatch)`);
  return batch;
}

function checkBatchChain(instance: string, batches: StoredBatch[], problems: string[]): void {
  let expected = 0;
  let previous: StoredBatch | undefined;
  for (const batch of batches) {
    const { seq, prev } = batch.header;
    if (previous && seq === previous.header.seq) {
      problems.push(`${batch.name}: duplicates batch ${seq} of ${instance} (${previous.name})`);
      continue;
    }
    if (seq > expected) problems.push(`${instance}: batch file(s) ${expected}..${seq - 1} missing before ${batch.name}`);
    if (seq === 0 && prev !== null) problems.push(`${batch.name}: first batch of ${instance} names a predecessor ${prev.name}`);
    if (previous && seq === previous.header.seq + 1) {
      if (!prev || prev.name !== previous.name) problems.push(`${batch.name}: names predecessor ${prev?.name ?? 'none'}, expected ${previous.name}`);
      else if (prev.sha256 !== previous.sha256) problems.push(`${previous.name}: file changed after ${batch.name} was written (hash differs from the one its successor names)`);
    }
    expected = seq + 1;
    previous = batch;
  }
}

async function checkRecordChain(instance: string, batches: StoredBatch[], seen: Map<string, string>, problems: string[]): Promise<ExchangeRecord[]> {
  const records: ExchangeRecord[] = [];
  let expectedSeq = 0;
  let previousHash: string | null = null;
  const ids = new Set<string>();
  const definitions = new Set<string>();
  for (const batch of batches) {
    for (const [index, line] of batch.lines.entries()) {
      const where = `${batch.name} line ${index + 2}`;
      let record: ExchangeRecord;
      try {
        record = JSON.parse(line) as ExchangeRecord;
      } catch {
        problems.push(`${where}: not JSON`);
        previousHash = await sha256Hex(line);
        continue;
      }
      const { seq, prev } = record.chain;
      if (record.chain.instance !== instance) problems.push(`${where}: record of instance ${record.chain.instance} in a batch of ${instance}`);
      if (seq < expectedSeq) problems.push(`${where}: record ${seq} of ${instance} out of order or repeated (expected ${expectedSeq})`);
      else if (seq > expectedSeq) problems.push(`${where}: record(s) ${expectedSeq}..${seq - 1} of ${instance} missing`);
      if (prev !== previousHash) problems.push(`${where}: chain broken: record ${seq} does not follow the record before it (edited, removed or reordered)`);
      const earlier = seen.get(record.id);
      if (earlier) problems.push(`${where}: exchange ${record.id} duplicated (also at ${earlier})`);
      seen.set(record.id, where);
      for (const hash of Object.keys(record.defs ?? {})) definitions.add(hash);
      const body = record.request.body;
      if (body.form === 'json') {
        for (const [field, hash] of Object.entries(body.refs ?? {})) {
          if (!definitions.has(hash)) problems.push(`${where}: ${field} refers to definition ${hash.slice(0, 12)}… not stored before it`);
        }
        if (body.history && !ids.has(body.history.parent)) problems.push(`${where}: history refers to exchange ${body.history.parent}, not earlier in the chain`);
      }
      if (record.parent && !ids.has(record.parent)) problems.push(`${where}: parent exchange ${record.parent} not earlier in the chain`);
      ids.add(record.id);
      records.push(record);
      previousHash = await sha256Hex(line);
      expectedSeq = Math.max(expectedSeq, seq + 1);
    }
    if (batch.lines.length > 0 && batch.header.lastRecord !== previousHash) problems.push(`${batch.name}: last record differs from the one the header names`);
  }
  return records;
}

/**
 * Checks the signed checkpoints of the store, and of any second destination (a mirror store),
 * against the batches verify read (each writer's seq -> name, hash, time).
 */
async function checkStoredCheckpoints(sinks: readonly Sink[], byInstance: ReadonlyMap<string, StoredBatch[]>, key: JWK): Promise<CheckpointReport> {
  const writers = new Map<string, WriterBatches>();
  for (const [instance, list] of byInstance) {
    writers.set(instance, { batches: new Map(list.map((b) => [b.header.seq, { name: b.name, sha256: b.sha256, to: b.header.to }])) });
  }
  const found = new Map<string, { jws: string; from: string }>();
  const differing: string[] = [];
  for (const source of sinks) {
    for (const name of await source.list(CHECKPOINT_PREFIX)) {
      const jws = new TextDecoder().decode(await source.read(name));
      const earlier = found.get(name);
      if (!earlier) found.set(name, { jws, from: source.url });
      else if (earlier.jws !== jws) differing.push(`checkpoint ${name}: differs between ${earlier.from} and ${source.url}`);
    }
  }
  const report = await checkCheckpoints([...found].map(([name, { jws }]) => ({ name, jws })), writers, key);
  return { ...report, problems: [...differing, ...report.problems] };
}

export interface VerifyOptions {
  /** The public JWK that verifies checkpoints: with it, truncation is checked. */
  key?: JWK;
  /** Second destinations holding copies of the checkpoints (recording.checkpointMirror). */
  checkpointStores?: readonly Sink[];
}

export async function verifyStore(sink: Sink, options: VerifyOptions = {}): Promise<VerifyReport> {
  const problems: string[] = [];
  const batches: StoredBatch[] = [];
  for (const name of await listBatches(sink)) {
    const batch = await checkFile(sink, name, problems);
    if (batch) batches.push(batch);
  }
  const byInstance = new Map<string, StoredBatch[]>();
  for (const batch of batches) {
    const list = byInstance.get(batch.header.instance) ?? [];
    list.push(batch);
    byInstance.set(batch.header.instance, list);
  }
  const seen = new Map<string, string>();
  let records = 0;
  for (const [instance, list] of byInstance) {
    list.sort((a, b) => a.header.seq - b.header.seq || (a.name < b.name ? -1 : 1));
    checkBatchChain(instance, list, problems);
    records += (await checkRecordChain(instance, list, seen, problems)).length;
  }
  const report: VerifyReport = { batches: batches.length, records, instances: byInstance.size, problems, notes: [] };
  if (!options.key) {
    report.notes.push('truncation (a writer\'s newest batches, or all of them, removed) cannot be detected without the checkpoint key: pass --key (see scribe checkpoint-key)');
    return report;
  }
  report.checkpoints = await checkStoredCheckpoints([sink, ...(options.checkpointStores ?? [])], byInstance, options.key);
  problems.push(...report.checkpoints.problems);
  report.notes.push(...report.checkpoints.notes);
  return report;
}
