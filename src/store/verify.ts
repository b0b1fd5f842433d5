/**
 * Checks a store end to end: every batch file intact and named as its header says, every
 * writer's batch chain and record chain complete and in order, nothing duplicated, and every
 * reference (parent, history delta, definition) resolvable. Returns what is wrong, in words.
 *
 * It streams: one writer at a time, each batch read ahead in parallel and dropped once checked,
 * so memory holds the batch names and the ids of the records seen (ten bytes each), never the
 * records.
 */
import type { JWK } from 'jose';
import { checkCheckpoints, type CheckpointReport, type WriterBatches } from '../checkpoint/check.ts';
import { CHECKPOINT_PREFIX } from '../checkpoint/checkpoint.ts';
import type { BatchHeader } from '../record/batch-file.ts';
import { sha256Hex } from '../record/hash.ts';
import type { ExchangeRecord } from '../record/record.ts';
import { IdRegistry } from './id-registry.ts';
import { parseBatchName, rangeListings } from './batch-names.ts';
import { readAhead } from './parallel-reads.ts';
import { readBatch, type StoredBatch } from './reader.ts';
import type { Sink } from './sink.ts';
import { describeStoreError } from './store-errors.ts';

export interface WriterSummary {
  instance: string;
  batches: number;
  records: number;
  firstSeq: number;
  lastSeq: number;
  /** ISO time of the last record, per batch seq: what signed checkpoints are checked against (kept only with a checkpoint key). */
  batchFiles: Map<number, { name: string; sha256: string; to: string }>;
}

export interface VerifyReport {
  store: string;
  batches: number;
  records: number;
  instances: number;
  problems: string[];
  /** Facts that do not fail the store (such as: truncation not checked without a key). */
  notes: string[];
  /** With a key: the signed checkpoints, per writer. */
  checkpoints?: CheckpointReport;
  writers: WriterSummary[];
  /** Present when verifying a time window. */
  window?: { since?: number; until?: number };
}

export interface VerifyOptions {
  /** Only batches whose records start in this window (plus the link into it). */
  since?: number;
  until?: number;
  /** Store reads in flight at once. */
  concurrency?: number;
  progress?: (done: number, total: number) => void;
  /** The public JWK that verifies checkpoints: with it, truncation is checked (whole store only). */
  key?: JWK;
  /** Second destinations holding copies of the checkpoints (recording.checkpointMirror). */
  checkpointStores?: readonly Sink[];
}

/**
 * Checks the signed checkpoints of the store, and of any second destination (a mirror store),
 * against the batches verify read (each writer's seq -> name, hash, time).
 */
async function checkStoredCheckpoints(sinks: readonly Sink[], summaries: readonly WriterSummary[], key: JWK): Promise<CheckpointReport> {
  const writers = new Map<string, WriterBatches>(summaries.map((w) => [w.instance, { batches: w.batchFiles }]));
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

/** Problems with one batch file on its own (name, header, content hash). */
export function checkBatchFile(batch: StoredBatch): string[] {
  const problems: string[] = [];
  const { name, header, lines } = batch;
  const parsed = parseBatchName(name);
  if (!parsed) return [`${name}: not a batch file name`];
  if (/\.clash[0-9a-f]+\.ndjson\.gz$/.test(name)) problems.push(`${name}: a different batch was already stored under this batch's name`);
  if (header.name !== name && !name.includes('.clash')) problems.push(`${name}: header names it ${header.name} (renamed or copied)`);
  if (header.instance !== parsed.instance || header.seq !== parsed.seq) problems.push(`${name}: header says instance ${header.instance} batch ${header.seq}`);
  if (header.records !== lines.length) problems.push(`${name}: header counts ${header.records} records, file has ${lines.length}`);
  return problems;
}

async function contentProblems(batch: StoredBatch): Promise<string[]> {
  const actual = await sha256Hex(batch.lines.map((l) => `${l}\n`).join(''));
  return actual === batch.header.sha256 ? [] : [`${batch.name}: records were edited, added or removed (content hash mismatch)`];
}

/** One writer's chains, checked batch by batch as they stream past. */
class WriterCheck {
  private expectedBatch = 0;
  private previous: { name: string; sha256: string; header: BatchHeader } | undefined;
  private expectedSeq = 0;
  private previousHash: string | null = null;
  private readonly definitions = new Set<string>();
  readonly summary: WriterSummary;

  constructor(
    readonly instance: string,
    private readonly ids: IdRegistry,
    private readonly problems: string[],
    private readonly windowed: boolean,
    /** Whether checkpoints are checked afterwards, which need every batch file's name and hash. */
    private readonly keepBatchFiles: boolean,
  ) {
    this.summary = { instance, batches: 0, records: 0, firstSeq: -1, lastSeq: -1, batchFiles: new Map() };
  }

  /** In a window, the first batch's predecessor is outside it: check the link into the window. */
  async enterWindow(sink: Sink, first: StoredBatch): Promise<void> {
    this.expectedBatch = first.header.seq;
    const prev = first.header.prev;
    if (!prev) return;
    let before: StoredBatch;
    try {
      before = await readBatch(sink, prev.name);
    } catch {
      this.problems.push(`${first.name}: its predecessor ${prev.name} (before the window) is missing or unreadable`);
      return;
    }
    if (before.sha256 !== prev.sha256) this.problems.push(`${prev.name}: file changed after ${first.name} was written (hash differs from the one its successor names)`);
    this.expectedSeq = before.header.lastSeq + 1;
    this.previousHash = before.header.lastRecord || null;
  }

  async batch(batch: StoredBatch): Promise<void> {
    const { seq, prev } = batch.header;
    const previous = this.previous;
    if (previous && seq === previous.header.seq) {
      this.problems.push(`${batch.name}: duplicates batch ${seq} of ${this.instance} (${previous.name})`);
      return;
    }
    if (seq > this.expectedBatch) this.problems.push(`${this.instance}: batch file(s) ${this.expectedBatch}..${seq - 1} missing before ${batch.name}`);
    if (seq === 0 && prev !== null) this.problems.push(`${batch.name}: first batch of ${this.instance} names a predecessor ${prev.name}`);
    if (previous && seq === previous.header.seq + 1) {
      if (!prev || prev.name !== previous.name) this.problems.push(`${batch.name}: names predecessor ${prev?.name ?? 'none'}, expected ${previous.name}`);
      else if (prev.sha256 !== previous.sha256) this.problems.push(`${previous.name}: file changed after ${batch.name} was written (hash differs from the one its successor names)`);
    }
    this.expectedBatch = seq + 1;
    this.previous = { name: batch.name, sha256: batch.sha256, header: batch.header };
    this.summary.batches++;
    if (this.summary.firstSeq < 0) this.summary.firstSeq = seq;
    this.summary.lastSeq = seq;
    if (this.keepBatchFiles) this.summary.batchFiles.set(seq, { name: batch.name, sha256: batch.sha256, to: batch.header.to });
    await this.records(batch);
  }

  private async records(batch: StoredBatch): Promise<void> {
    for (const [index, line] of batch.lines.entries()) {
      const where = `${batch.name} line ${index + 2}`;
      const hash = await sha256Hex(line);
      let record: ExchangeRecord;
      try {
        record = JSON.parse(line) as ExchangeRecord;
      } catch {
        this.problems.push(`${where}: not JSON`);
        this.previousHash = hash;
        continue;
      }
      this.record(record, where);
      this.previousHash = hash;
    }
    if (batch.lines.length > 0 && batch.header.lastRecord !== this.previousHash) this.problems.push(`${batch.name}: last record differs from the one the header names`);
  }

  private record(record: ExchangeRecord, where: string): void {
    const { seq, prev } = record.chain;
    const problems = this.problems;
    if (record.chain.instance !== this.instance) problems.push(`${where}: record of instance ${record.chain.instance} in a batch of ${this.instance}`);
    if (seq < this.expectedSeq) problems.push(`${where}: record ${seq} of ${this.instance} out of order or repeated (expected ${this.expectedSeq})`);
    else if (seq > this.expectedSeq) problems.push(`${where}: record(s) ${this.expectedSeq}..${seq - 1} of ${this.instance} missing`);
    if (prev !== this.previousHash) problems.push(`${where}: chain broken: record ${seq} does not follow the record before it (edited, removed or reordered)`);
    const earlier = this.ids.get(record.id);
    if (earlier !== undefined) problems.push(`${where}: exchange ${record.id} duplicated (also in writer ${earlier})`);
    for (const hash of Object.keys(record.defs ?? {})) this.definitions.add(hash);
    const body = record.request.body;
    // References before a verified window cannot be checked from inside it.
    if (!this.windowed && body.form === 'json') {
      for (const [field, hash] of Object.entries(body.refs ?? {})) {
        if (!this.definitions.has(hash)) problems.push(`${where}: ${field} refers to definition ${hash.slice(0, 12)}… not stored before it`);
      }
      if (body.history && this.ids.get(body.history.parent) !== this.instance) problems.push(`${where}: history refers to exchange ${body.history.parent}, not earlier in the chain`);
    }
    if (!this.windowed && record.parent && this.ids.get(record.parent) !== this.instance) problems.push(`${where}: parent exchange ${record.parent} not earlier in the chain`);
    this.ids.set(record.id, this.instance);
    this.summary.records++;
    this.expectedSeq = Math.max(this.expectedSeq, seq + 1);
  }
}

async function listNames(sink: Sink, options: VerifyOptions): Promise<string[]> {
  try {
    const listings = rangeListings(options.since, options.until);
    return (await Promise.all(listings.map(({ prefix, ...offsets }) => sink.list(prefix, offsets)))).flat();
  } catch (error) {
    throw describeStoreError(error, sink.url);
  }
}

export async function verifyStore(sink: Sink, options: VerifyOptions = {}): Promise<VerifyReport> {
  await sink.probe();
  const problems: string[] = [];
  const notes: string[] = [];
  const windowed = options.since !== undefined || options.until !== undefined;
  if (windowed && options.key) throw new Error('checkpoints vouch for a writer\'s whole history: verify with --key over the whole store, without --since/--until');
  const byInstance = new Map<string, string[]>();
  const names = await listNames(sink, options);
  for (const name of names) {
    const parsed = parseBatchName(name);
    if (!parsed) {
      problems.push(`${name}: not a batch file name`);
      continue;
    }
    const list = byInstance.get(parsed.instance) ?? [];
    list.push(name);
    byInstance.set(parsed.instance, list);
  }
  const ids = new IdRegistry();
  const writers: WriterSummary[] = [];
  let done = 0;
  let batches = 0;
  const total = names.length;
  for (const [instance, list] of [...byInstance].sort(([a], [b]) => (a < b ? -1 : 1))) {
    // Each name parsed once, not at every comparison (a writer may have hundreds of thousands).
    const seqOf = new Map(list.map((name) => [name, parseBatchName(name)!.seq]));
    list.sort((a, b) => seqOf.get(a)! - seqOf.get(b)! || (a < b ? -1 : 1));
    seqOf.clear();
    const check = new WriterCheck(instance, ids, problems, windowed, options.key !== undefined);
    const read = (name: string) => readBatch(sink, name).then((batch) => ({ name, batch }), (error: Error) => ({ name, error }));
    let first = true;
    for await (const result of readAhead(list, options.concurrency ?? 8, read)) {
      options.progress?.(++done, total);
      if ('error' in result) {
        problems.push(`${result.name}: unreadable (${result.error.message.split('\n')[0]})`);
        continue;
      }
      const fileProblems = [...checkBatchFile(result.batch), ...(await contentProblems(result.batch))];
      problems.push(...fileProblems);
      if (checkBatchFile(result.batch).some((p) => p.includes('header says instance'))) continue;
      if (first && windowed) await check.enterWindow(sink, result.batch);
      first = false;
      await check.batch(result.batch);
      batches++;
    }
    writers.push(check.summary);
  }
  if (names.length === 0) problems.push(windowed ? `${sink.url}: no batch files in the window` : `${sink.url}: the store holds no batch files`);
  let checkpoints: CheckpointReport | undefined;
  if (options.key) {
    try {
      checkpoints = await checkStoredCheckpoints([sink, ...(options.checkpointStores ?? [])], writers, options.key);
    } catch (error) {
      throw describeStoreError(error, sink.url);
    }
    problems.push(...checkpoints.problems);
    notes.push(...checkpoints.notes);
  } else if (!windowed) {
    notes.push('truncation (a writer\'s newest batches, or all of them, removed) cannot be detected without the checkpoint key: pass --key (see scribe checkpoint-key)');
  }
  return {
    store: sink.url,
    batches,
    records: writers.reduce((sum, w) => sum + w.records, 0),
    instances: writers.length,
    problems,
    notes,
    ...(checkpoints ? { checkpoints } : {}),
    writers,
    ...(windowed ? { window: { ...(options.since !== undefined ? { since: options.since } : {}), ...(options.until !== undefined ? { until: options.until } : {}) } } : {}),
  };
}
