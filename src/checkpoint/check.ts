/**
 * Checks signed checkpoints against the batches a store holds: the part of verification
 * that catches what the hash chains cannot, a writer's newest batches (or its whole history)
 * removed. A pure function of what the caller read; the rules, in order:
 *
 * 1. Each checkpoint must be named checkpoints/<instance>/<time>-<seq>.jws, verify with the
 *    given public key, and say the writer and batch its name says. Others are problems and
 *    vouch for nothing.
 * 2. Per writer, checkpoints form a chain: each names its predecessor's name and SHA-256.
 *    A predecessor that is missing, or whose bytes differ, breaks the chain (a checkpoint
 *    removed or replaced); two checkpoints naming one predecessor fork it (two gateways
 *    writing under one instance id).
 * 3. A checkpoint vouches for its batch (name and SHA-256 of the file's bytes) and, through
 *    the batch chain, for every batch before it. Every batch from 0 to the highest one any
 *    valid checkpoint names must be in the store, and the named ones byte for byte.
 * 4. Batches newer than a writer's newest checkpoint are normal for at most one checkpoint
 *    interval (the writer signs at most `intervalMs` after a batch is stored, and the process
 *    may have died in between). A newer batch whose latest record started more than
 *    interval + margin (margin: the interval, at most 30 s) after the newest checkpoint was
 *    signed was stored when the next checkpoint was already due, so that checkpoint should
 *    exist: the newest checkpoint(s) may have been removed. Within that window it is a note.
 * 5. A writer with batches and no valid checkpoint cannot be checked for truncation: a
 *    problem (written before checkpoints existed, or its checkpoints were removed). A writer
 *    with checkpoints and no batches has lost all of them.
 */
import type { JWK } from 'jose';
import { sha256Hex } from '../record/hash.ts';
import { importVerifyKey, openCheckpoint, parseCheckpointName, type CheckpointBody } from './checkpoint.ts';

export interface WriterBatches {
  /** seq -> the batch file's name, SHA-256 of its bytes, ISO time of its latest record. */
  batches: ReadonlyMap<number, { name: string; sha256: string; to: string }>;
}

export interface WriterCheckpointReport {
  instance: string;
  /** Checkpoints whose signature verified. */
  checkpoints: number;
  /** Batches (0..n-1) and records the newest valid checkpoint vouches for. */
  batchesCovered: number;
  recordsCovered: number;
  /** Stored batches newer than the newest checkpoint. */
  batchesAfter: number;
  newest?: { name: string; at: string; final: boolean };
}

export interface CheckpointReport {
  writers: WriterCheckpointReport[];
  problems: string[];
  /** Facts worth knowing that do not make the store fail. */
  notes: string[];
}

interface Valid {
  name: string;
  sha256: string;
  body: CheckpointBody;
}

const MAX_MARGIN_MS = 30_000;

/** An ISO time to the second, for messages. */
function when(iso: string): string {
  return iso.replace(/\.\d{3}Z$/, 'Z');
}

function runs(seqs: number[]): [number, number][] {
  const out: [number, number][] = [];
  for (const seq of seqs) {
    const last = out[out.length - 1];
    if (last && seq === last[1] + 1) last[1] = seq;
    else out.push([seq, seq]);
  }
  return out;
}

export async function checkCheckpoints(
  checkpoints: readonly { name: string; jws: string }[],
  writers: ReadonlyMap<string, WriterBatches>,
  publicKey: JWK,
): Promise<CheckpointReport> {
  const key = await importVerifyKey(publicKey);
  const problems: string[] = [];
  const notes: string[] = [];
  const valid = new Map<string, Valid[]>();
  /** Every checkpoint present, valid or not: name -> SHA-256 of its bytes. */
  const present = new Map<string, { sha256: string; valid: boolean }>();

  for (const { name, jws } of [...checkpoints].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const sha256 = await sha256Hex(jws);
    present.set(name, { sha256, valid: false });
    const parsed = parseCheckpointName(name);
    if (!parsed) {
      problems.push(`checkpoint ${name}: not a checkpoint name`);
      continue;
    }
    let body: CheckpointBody;
    try {
      body = await openCheckpoint(jws, key);
    } catch (error) {
      problems.push(`checkpoint ${name}: ${(error as Error).message}; it vouches for nothing`);
      continue;
    }
    if (body.instance !== parsed.instance || body.batch.seq !== parsed.seq) {
      problems.push(`checkpoint ${name}: says writer ${body.instance} batch ${body.batch.seq} (renamed or copied)`);
      continue;
    }
    present.set(name, { sha256, valid: true });
    const list = valid.get(body.instance) ?? [];
    list.push({ name, sha256, body });
    valid.set(body.instance, list);
  }

  const report: WriterCheckpointReport[] = [];
  for (const [instance, list] of valid) {
    checkChain(instance, list, present, problems, notes);
    report.push(checkCoverage(instance, list, writers.get(instance)?.batches ?? new Map(), problems, notes));
  }
  for (const [instance, { batches }] of writers) {
    if (valid.has(instance) || batches.size === 0) continue;
    problems.push(`writer ${instance}: ${batches.size} batch(es) and no valid checkpoint, so its newest batches could have been removed unseen (written before checkpoints existed, or its checkpoints were removed)`);
    report.push({ instance, checkpoints: 0, batchesCovered: 0, recordsCovered: 0, batchesAfter: batches.size });
  }
  report.sort((a, b) => (a.instance < b.instance ? -1 : 1));
  return { writers: report, problems, notes };
}

function checkChain(instance: string, list: Valid[], present: ReadonlyMap<string, { sha256: string; valid: boolean }>, problems: string[], notes: string[]): void {
  const followers = new Map<string, string>();
  for (const [index, { name, body }] of list.entries()) {
    if (body.prev === null) {
      if (index > 0) notes.push(`checkpoint ${name}: starts a new checkpoint chain for writer ${instance} after ${list[index - 1]?.name} (the writer's checkpoint state was lost)`);
      continue;
    }
    const other = followers.get(body.prev.name);
    if (other) problems.push(`checkpoint chain forks: ${other} and ${name} both follow ${body.prev.name} (two gateways writing as ${instance}?)`);
    followers.set(body.prev.name, name);
    const predecessor = present.get(body.prev.name);
    if (!predecessor) problems.push(`checkpoint chain broken: ${name} names a predecessor ${body.prev.name} that is missing (removed)`);
    else if (predecessor.valid && predecessor.sha256 !== body.prev.sha256) problems.push(`checkpoint chain broken: ${name} names a predecessor ${body.prev.name} whose bytes differ (replaced)`);
  }
}

function checkCoverage(
  instance: string,
  list: Valid[],
  batches: WriterBatches['batches'],
  problems: string[],
  notes: string[],
): WriterCheckpointReport {
  const newest = list[list.length - 1] as Valid;
  let highest = list[0] as Valid;
  for (const checkpoint of list) {
    if (checkpoint.body.batch.seq >= highest.body.batch.seq) highest = checkpoint;
    const { seq, name, sha256 } = checkpoint.body.batch;
    const stored = batches.get(seq);
    if (stored && (stored.name !== name || stored.sha256 !== sha256)) {
      problems.push(`writer ${instance}: batch ${seq} (${stored.name}) differs from the ${name} that checkpoint ${checkpoint.name} vouches for`);
    }
  }
  const covered = highest.body.batch.seq + 1;
  const missing: number[] = [];
  for (let seq = 0; seq < covered; seq++) if (!batches.has(seq)) missing.push(seq);
  if (batches.size === 0) {
    problems.push(`writer ${instance}: all ${covered} batch(es) are missing: its checkpoints vouch for ${covered} batch(es) and ${highest.body.records} record(s) up to ${when(highest.body.lastRecordAt)} (${highest.name}), the store holds none`);
  } else {
    for (const [from, to] of runs(missing)) {
      const before = batches.get(from - 1);
      const place = before ? `after ${when(before.to)}` : `before ${when(batches.get(to + 1)?.to ?? highest.body.lastRecordAt)}`;
      const voucher = list.find((c) => c.body.batch.seq >= to) ?? highest;
      problems.push(`writer ${instance}: ${to - from + 1} batch(es) ${place} are missing (batch ${from === to ? from : `${from}..${to}`}; ${voucher.name} vouches for them)`);
    }
  }

  const after = [...batches.keys()].filter((seq) => seq >= covered).sort((a, b) => a - b);
  if (after.length > 0) {
    const signedAt = Date.parse(newest.body.at);
    const interval = newest.body.intervalMs;
    const latest = Math.max(...after.map((seq) => Date.parse(batches.get(seq)?.to ?? '')));
    const what = `${after.length} batch(es) newer than its last checkpoint (batch ${after[0]}${after.length > 1 ? `..${after[after.length - 1]}` : ''}, records up to ${when(new Date(latest).toISOString())}; last checkpoint ${newest.name} at ${when(newest.body.at)})`;
    if (latest > signedAt + interval + Math.min(interval, MAX_MARGIN_MS)) {
      problems.push(`writer ${instance}: ${what}; checkpoints come every ${Math.round(interval / 1000) || interval / 1000} s: the newest checkpoint(s) may have been removed`);
    } else {
      notes.push(`writer ${instance}: ${what}, within one checkpoint interval: normal while the writer runs, or if it stopped without a clean shutdown`);
    }
  }
  return {
    instance,
    checkpoints: list.length,
    batchesCovered: covered,
    recordsCovered: highest.body.records,
    batchesAfter: after.length,
    newest: { name: newest.name, at: newest.body.at, final: newest.body.final === true },
  };
}
