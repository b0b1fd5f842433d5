/**
 * Batch files: gzip NDJSON. The first line is a header that names the file, its writer, its
 * predecessor (name and SHA-256 of its bytes) and the SHA-256 of the record lines that follow,
 * so a verifier can tell an edited, missing, renamed or duplicated file.
 */
import { promisify } from 'node:util';
import { gunzip as zlibGunzip, gzip as zlibGzip } from 'node:zlib';
import { concatChunks } from '../stream/concat.ts';
import { sha256Hex, sha256HexOfParts } from './hash.ts';
import type { ChainedLine } from './chain.ts';

export const BATCH_VERSION = 1;

export interface BatchHeader {
  batch: typeof BATCH_VERSION;
  name: string;
  instance: string;
  seq: number;
  prev: { name: string; sha256: string } | null;
  records: number;
  firstSeq: number;
  lastSeq: number;
  /** SHA-256 of the last record line: where the next batch's first record links. */
  lastRecord: string;
  /** Earliest and latest record start, ISO 8601. */
  from: string;
  to: string;
  /** SHA-256 of the record lines, each followed by "\n". */
  sha256: string;
}

export interface BatchHead {
  seq: number;
  name: string | null;
  sha256: string | null;
}

const gzipAsync = promisify(zlibGzip);
const gunzipAsync = promisify(zlibGunzip);

// node:zlib (on Node, Bun and Deno) rather than CompressionStream: on Node 20 the web stream
// costs about 1.5 ms a batch however small, and far more when many run at once.
export const gzip = async (bytes: Uint8Array): Promise<Uint8Array> => new Uint8Array(await gzipAsync(bytes));
export const gunzip = async (bytes: Uint8Array): Promise<Uint8Array> => new Uint8Array(await gunzipAsync(bytes));

const encoder = new TextEncoder();


export async function encodeBatch(
  lines: readonly ChainedLine[],
  place: { name: string; instance: string; seq: number; prev: BatchHeader['prev'] },
): Promise<{ header: BatchHeader; bytes: Uint8Array; sha256: string }> {
  // Line by line: joined, a batch of Claude Code records is one string of megabytes, which V8
  // allocates in its large-object space at a cost far above encoding the lines one by one.
  const encoded = lines.map((l) => encoder.encode(`${l.line}\n`));
  const starts = lines.map((l) => l.startMs);
  const header: BatchHeader = {
    batch: BATCH_VERSION,
    ...place,
    records: lines.length,
    firstSeq: lines[0]?.seq ?? -1,
    lastSeq: lines[lines.length - 1]?.seq ?? -1,
    lastRecord: lines[lines.length - 1]?.hash ?? '',
    from: new Date(Math.min(...starts)).toISOString(),
    to: new Date(Math.max(...starts)).toISOString(),
    sha256: sha256HexOfParts(encoded),
  };
  const bytes = await gzip(concatChunks([encoder.encode(`${JSON.stringify(header)}\n`), ...encoded]));
  return { header, bytes, sha256: await sha256Hex(bytes) };
}

/** Splits a batch file into its header and record lines (without checking anything). */
export async function decodeBatch(bytes: Uint8Array): Promise<{ header: BatchHeader; lines: string[] }> {
  const text = new TextDecoder().decode(await gunzip(bytes));
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const first = lines.shift();
  if (first === undefined) throw new Error('empty batch file');
  return { header: JSON.parse(first) as BatchHeader, lines };
}
