/**
 * Batch file names. Object stores split their key space by name, so names that all begin
 * with the current time pile every write onto one server. Names start with a shard (one hex
 * digit from a hash of writer and sequence) and then the hour, so writes spread over sixteen
 * ranges while a time range is still listed with one ranged listing per shard.
 *
 *   batches/<shard>/<YYYY-MM-DDTHH>/<YYYYMMDDTHHMMSSmmm>-<instance>-<seq>.ndjson.gz
 */

export const SHARDS = '0123456789abcdef';

/** Batches are named for their earliest record; a record can start this much before its batch was cut. */
export const LISTING_SLACK_MS = 60 * 60 * 1000;

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

function hourKey(ms: number): string {
  return new Date(ms).toISOString().slice(0, 13);
}

function stamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:.]/g, '').replace('Z', '');
}

/** An instance id safe to put in a name (and to split back out of it). */
export function safeInstanceId(id: string): string {
  return id.replace(/[^A-Za-z0-9_.]/g, '_');
}

export function batchName(instance: string, seq: number, firstStartMs: number): string {
  const shard = SHARDS[fnv1a(`${instance}/${seq}`) % 16];
  return `batches/${shard}/${hourKey(firstStartMs)}/${stamp(firstStartMs)}-${instance}-${String(seq).padStart(10, '0')}.ndjson.gz`;
}

export interface ParsedBatchName {
  shard: string;
  instance: string;
  seq: number;
}

export function parseBatchName(name: string): ParsedBatchName | undefined {
  const match = /batches\/([0-9a-f])\/\d{4}-\d{2}-\d{2}T\d{2}\/\d{8}T\d{9}-([A-Za-z0-9_.]+)-(\d{10})(?:\.[A-Za-z0-9]+)?\.ndjson\.gz$/.exec(name);
  if (!match) return undefined;
  return { shard: match[1] as string, instance: match[2] as string, seq: Number(match[3]) };
}

/** The listings that cover batches with records starting in [since, until]. */
export function rangeListings(since: number | undefined, until: number | undefined): { prefix: string; startOffset?: string; endOffset?: string }[] {
  return [...SHARDS].map((shard) => {
    const prefix = `batches/${shard}/`;
    return {
      prefix,
      ...(since !== undefined ? { startOffset: `${prefix}${hourKey(since - LISTING_SLACK_MS)}` } : {}),
      ...(until !== undefined ? { endOffset: `${prefix}${hourKey(until)}~` } : {}),
    };
  });
}

/**
 * A batch's index file: the batch's name under `index/` instead of `batches/`, so it is found
 * from the batch name alone and never needs listing of its own.
 */
export function indexName(batch: string): string {
  return batch.replace(/^batches\//, 'index/').replace(/\.ndjson\.gz$/, '.idx.ndjson.gz');
}

/**
 * Index segments: the indexes of a run of one writer's batches in one object, written once the
 * batches are stored, so that a reader downloads one object instead of hundreds. Named for the
 * hour of the run's earliest record, so a time range lists them like batches.
 *
 *   segments/<YYYY-MM-DDTHH>/<instance>-<first seq>-<last seq>.ndjson.gz
 */
export function segmentName(instance: string, firstSeq: number, lastSeq: number, fromMs: number): string {
  return `segments/${hourKey(fromMs)}/${instance}-${String(firstSeq).padStart(10, '0')}-${String(lastSeq).padStart(10, '0')}.ndjson.gz`;
}

export function parseSegmentName(name: string): { instance: string; firstSeq: number; lastSeq: number } | undefined {
  const match = /segments\/\d{4}-\d{2}-\d{2}T\d{2}\/([A-Za-z0-9_.]+)-(\d{10})-(\d{10})\.ndjson\.gz$/.exec(name);
  if (!match) return undefined;
  return { instance: match[1] as string, firstSeq: Number(match[2]), lastSeq: Number(match[3]) };
}

/** The listing of segments whose runs may hold records starting in [since, until]. */
export function segmentListing(since: number | undefined, until: number | undefined): { prefix: string; startOffset?: string; endOffset?: string } {
  return {
    prefix: 'segments/',
    ...(since !== undefined ? { startOffset: `segments/${hourKey(since - LISTING_SLACK_MS)}` } : {}),
    ...(until !== undefined ? { endOffset: `segments/${hourKey(until)}~` } : {}),
  };
}

/** The hour (YYYY-MM-DDTHH) a batch or segment name is filed under. */
export function hourOfName(name: string): string | undefined {
  return /\/(\d{4}-\d{2}-\d{2}T\d{2})\//.exec(name)?.[1];
}
