/**
 * Builds a large store for the audit benchmark from the real recorder's output: one 30-turn
 * Claude-Code-shaped session is recorded through createRecorder, then its records are re-issued
 * for many sessions (new ids, callers, times), chained, batched, indexed and segmented with the
 * project's own code (RecordChain, encodeBatch, the batch index, SegmentWriter), so that
 * `scribe verify` finds the store intact. Files are written without fsync: this is a fixture.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { encodeBatch } from '../../src/record/batch-file.ts';
import { encodeBatchIndex, batchIndexText, indexEntryOf, INDEX_VERSION } from '../../src/record/batch-index.ts';
import { RecordChain, type ChainedLine } from '../../src/record/chain.ts';
import { newExchangeId } from '../../src/record/exchange-id.ts';
import { createRecorder } from '../../src/record/index.ts';
import type { ExchangeRecord } from '../../src/record/record.ts';
import { batchName, indexName } from '../../src/store/batch-names.ts';
import { readRecords } from '../../src/store/reader.ts';
import { SegmentWriter } from '../../src/store/segment-writer.ts';
import { openSink, type Sink } from '../../src/store/sink.ts';
import { agentSession, claudeCodeProfile } from '../../tests/record/agent-session.ts';
import { playStream, startOf } from '../../tests/record/fixtures.ts';
import { configFor, tempDir } from '../../tests/record/store-helpers.ts';

export interface StoreShape {
  exchanges: number;
  /** The store spans this many days, ending at `endMs`. */
  days: number;
  endMs: number;
  users: number;
  writers: number;
  turns: number;
}

type Template = Omit<ExchangeRecord, 'chain'>;

async function templateSession(turns: number): Promise<Template[]> {
  const root = await tempDir('audit-template');
  const recorder = await createRecorder(configFor(root), { instanceId: 'template', log: () => {} });
  for (const turn of agentSession(turns, undefined, claudeCodeProfile)) {
    playStream(recorder, startOf(turn.body), turn.answer);
    await recorder.flush();
  }
  await recorder.close();
  const records = await readRecords(await openSink(`file:${join(root, 'store')}`));
  return records.map(({ chain: _chain, ...rest }) => rest);
}

/** A deterministic pseudo-random sequence, so a store is rebuilt the same. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

interface Planned {
  startMs: number;
  session: number;
  turn: number;
}

const madeDirs = new Set<string>();
const writes = new Set<Promise<void>>();

/** Writes without waiting for each file (the builder is bound by file system latency otherwise). */
async function put(path: string, bytes: Uint8Array): Promise<void> {
  const dir = dirname(path);
  if (!madeDirs.has(dir)) {
    await mkdir(dir, { recursive: true });
    madeDirs.add(dir);
  }
  const write = writeFile(path, bytes).finally(() => writes.delete(write));
  writes.add(write);
  if (writes.size >= 64) await Promise.race(writes);
}

/** Writes a batch file, its index, and feeds the segment writer. */
async function writeBatch(dir: string, segments: SegmentWriter, instance: string, seq: number, lines: ChainedLine[], prev: { name: string; sha256: string } | null): Promise<{ name: string; sha256: string }> {
  const name = batchName(instance, seq, Math.min(...lines.map((l) => l.startMs)));
  const { bytes, sha256, header } = await encodeBatch(lines, { name, instance, seq, prev });
  const indexHeader = { index: INDEX_VERSION, batch: name, sha256, instance, seq, records: lines.length, from: Date.parse(header.from), to: Date.parse(header.to) } as const;
  const entries = lines.map((l) => l.entry!);
  await put(join(dir, name), bytes);
  await put(join(dir, indexName(name)), encodeBatchIndex(indexHeader, entries));
  segments.stored(indexHeader, batchIndexText(indexHeader, entries));
  return { name, sha256 };
}

export async function buildSyntheticStore(dir: string, shape: StoreShape, progress: (done: number) => void = () => {}): Promise<{ sessions: string[]; users: string[] }> {
  const template = await templateSession(shape.turns);
  const next = random(42);
  const sessions = Math.ceil(shape.exchanges / shape.turns);
  const span = shape.days * 86_400_000;
  const sink: Sink = await openSink(`file:${dir}`);
  const users = Array.from({ length: shape.users }, (_, i) => `dev${String(i).padStart(3, '0')}@example.com`);
  const sessionIds = Array.from({ length: sessions }, (_, s) => `cc-${String(s).padStart(7, '0')}-${Math.floor(next() * 1e9).toString(36)}`);
  let done = 0;
  // Writers are independent chains: building them side by side overlaps their hashing and gzip.
  await Promise.all(Array.from({ length: shape.writers }, async (_, writer) => {
    const instance = `gw${writer}`;
    // This writer's exchanges, in the order they start (a session stays on one replica).
    const planned: Planned[] = [];
    for (let s = writer; s < sessions; s += shape.writers) {
      const first = shape.endMs - span + Math.floor(next() * (span - shape.turns * 20_000));
      for (let turn = 0; turn < shape.turns && s * shape.turns + turn < shape.exchanges; turn++) planned.push({ startMs: first + turn * 20_000, session: s, turn });
    }
    planned.sort((a, b) => a.startMs - b.startMs);
    const chain = new RecordChain(instance, { seq: -1, hash: null });
    const segments = new SegmentWriter(sink, (m) => process.stderr.write(`${m}\n`), { maxBatches: 256, maxAgeMs: Number.MAX_SAFE_INTEGER });
    const ids = new Map<string, string>();
    let seq = 0;
    let prev: { name: string; sha256: string } | null = null;
    let pending: ChainedLine[] = [];
    let batchSize = 2 + Math.floor(next() * 2);
    let definitionsStored = false;
    for (const { startMs, session, turn } of planned) {
      const base = template[turn] as Template;
      const id = newExchangeId(startMs);
      ids.set(`${session}/${turn}`, id);
      const parentId = turn > 0 ? (ids.get(`${session}/${turn - 1}`) ?? null) : null;
      const user = users[session % users.length] as string;
      const body = base.request.body;
      const record: Template = {
        ...base,
        id,
        session: { id: sessionIds[session] as string, source: 'header' },
        parent: parentId,
        identity: { issuer: 'https://accounts.google.com', subject: `sub-${user}`, email: user, groups: [session % 7 === 0 ? 'sre' : 'eng'], claims: { email: user } },
        time: { ...base.time, start: new Date(startMs).toISOString(), startMs },
        request: { ...base.request, body: body.form === 'json' && body.history ? { ...body, history: { ...body.history, parent: parentId as string } } : body },
      };
      // Definitions are stored once per writer: only its first record keeps them.
      if (record.defs && definitionsStored) delete (record as Partial<Template>).defs;
      else if (record.defs) definitionsStored = true;
      const line = await chain.append(record);
      line.entry = indexEntryOf(record, line.seq, line.hash);
      pending.push(line);
      if (pending.length >= batchSize) {
        prev = await writeBatch(dir, segments, instance, seq++, pending, prev);
        pending = [];
        batchSize = 2 + Math.floor(next() * 2);
      }
      if (++done % 5000 === 0) progress(done);
    }
    if (pending.length > 0) await writeBatch(dir, segments, instance, seq++, pending, prev);
    await Promise.all(writes);
    await segments.close();
  }));
  progress(done);
  return { sessions: sessionIds, users };
}
