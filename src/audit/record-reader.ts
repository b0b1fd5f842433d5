/**
 * Reads records where the index says they are: only the batch files that hold the exchanges
 * asked for, a few kept decoded for the next question. Rebuilds a request exactly by following
 * its history deltas to their parents and its definitions to the records that stored them,
 * each found through the index, never by scanning.
 */
import { decodeBatch } from '../record/batch-file.ts';
import { decodeBody, rebuildJsonBody, type BodyContext } from '../record/body-form.ts';
import { sha256Hex } from '../record/hash.ts';
import { conversationOf } from '../record/history-delta.ts';
import type { ExchangeRecord } from '../record/record.ts';
import type { Sink } from '../store/sink.ts';
import { describeStoreError } from '../store/store-errors.ts';
import type { IndexCache } from './index-cache.ts';

export interface RecordLocation {
  id: string;
  batch: string;
  line: number;
  hash: string;
}

/** Thrown when a record's bytes differ from what its index vouches for. */
export class RecordMismatchError extends Error {}

const KEEP_BATCHES = 16;

export class RecordReader {
  private readonly batches = new Map<string, Promise<string[]>>();
  private readonly definitions = new Map<string, unknown>();
  private readonly conversations = new Map<string, Promise<readonly unknown[]>>();

  constructor(
    private readonly sink: Sink,
    private readonly cache: IndexCache,
  ) {}

  private lines(batch: string): Promise<string[]> {
    let lines = this.batches.get(batch);
    if (lines) {
      // Most recently used last.
      this.batches.delete(batch);
      this.batches.set(batch, lines);
      return lines;
    }
    lines = this.sink.read(batch).then(
      async (bytes) => (await decodeBatch(bytes)).lines,
      (error: unknown) => {
        throw describeStoreError(error, this.sink.url);
      },
    );
    lines.catch(() => this.batches.delete(batch));
    this.batches.set(batch, lines);
    if (this.batches.size > KEEP_BATCHES) this.batches.delete(this.batches.keys().next().value as string);
    return lines;
  }

  location(id: string): RecordLocation | undefined {
    return this.cache.db.prepare('SELECT id, batch, line, hash FROM exchanges WHERE id = ?').get(id) as RecordLocation | undefined;
  }

  /** The record at its location, checked against the hash its index gives. */
  async read(location: RecordLocation): Promise<ExchangeRecord> {
    const line = (await this.lines(location.batch))[location.line];
    if (line === undefined) throw new RecordMismatchError(`exchange ${location.id}: ${location.batch} has no line ${location.line + 2} (the batch differs from its index)`);
    if ((await sha256Hex(line)) !== location.hash) throw new RecordMismatchError(`exchange ${location.id}: its record in ${location.batch} differs from its index (edited?)`);
    return JSON.parse(line) as ExchangeRecord;
  }

  async record(id: string): Promise<ExchangeRecord | undefined> {
    const location = this.location(id);
    return location ? this.read(location) : undefined;
  }

  /** Loads every definition the request of `record` (and of its ancestors) refers to. */
  private async preload(record: ExchangeRecord): Promise<void> {
    const body = record.request.body;
    if (body.form !== 'json') return;
    for (const hash of Object.values(body.refs ?? {})) {
      if (this.definitions.has(hash)) continue;
      const owner = this.cache.definedBy(hash);
      const defining = owner ? await this.record(owner) : undefined;
      const value = defining?.defs?.[hash];
      if (value === undefined) throw new Error(`the definition ${hash.slice(0, 12)}… that exchange ${record.id} refers to is not in the store's index`);
      this.definitions.set(hash, value);
    }
  }

  private readonly context: BodyContext = {
    conversation: (exchangeId) => this.conversation(exchangeId),
    definition: (hash) => this.definitions.get(hash),
  };

  private conversation(exchangeId: string): Promise<readonly unknown[]> {
    let cached = this.conversations.get(exchangeId);
    if (!cached) {
      cached = (async () => {
        const record = await this.record(exchangeId);
        if (!record) throw new Error(`parent exchange ${exchangeId} is not in the store's index`);
        const body = record.request.body;
        if (body.form !== 'json') throw new Error(`parent exchange ${exchangeId} has no JSON body`);
        await this.preload(record);
        const messages = (await rebuildJsonBody(body, this.context)).messages;
        return conversationOf(Array.isArray(messages) ? messages : [], record.response?.message ?? null);
      })();
      cached.catch(() => this.conversations.delete(exchangeId));
      this.conversations.set(exchangeId, cached);
    }
    return cached;
  }

  /** The exact bytes the exchange forwarded. */
  async requestBody(record: ExchangeRecord): Promise<Uint8Array> {
    await this.preload(record);
    return decodeBody(record.request.body, this.context);
  }
}
