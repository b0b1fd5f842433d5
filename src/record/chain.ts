/**
 * The writer's integrity chain. Every record names its writer instance, its position and the
 * SHA-256 of the previous record's line, so an edited, missing, reordered or duplicated record
 * breaks the chain where it happened.
 */
import { sha256Hex } from './hash.ts';
import type { ExchangeRecord } from './record.ts';
import type { UnchainedRecord } from './build-record.ts';
import type { IndexEntry } from './batch-index.ts';

export interface ChainHead {
  /** Position of the last record written, -1 before the first. */
  seq: number;
  /** SHA-256 of the last record's line, null before the first. */
  hash: string | null;
}

export interface ChainedLine {
  /** The exchange id. */
  id: string;
  line: string;
  seq: number;
  hash: string;
  startMs: number;
  /** The record's line in its batch's index. */
  entry?: IndexEntry;
}

export class RecordChain {
  private head: ChainHead;

  constructor(readonly instance: string, head: ChainHead) {
    this.head = { ...head };
  }

  /** Links a record to the chain and serialises it. Callers append one record at a time. */
  async append(record: UnchainedRecord): Promise<ChainedLine> {
    const seq = this.head.seq + 1;
    const { v, id, ...rest } = record;
    const chained: ExchangeRecord = { v, id, chain: { instance: this.instance, seq, prev: this.head.hash }, ...rest };
    const line = JSON.stringify(chained);
    const hash = await sha256Hex(line);
    this.head = { seq, hash };
    return { id, line, seq, hash, startMs: record.time.startMs };
  }

  current(): ChainHead {
    return { ...this.head };
  }
}
