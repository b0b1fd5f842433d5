/** Helpers for tests that read what a recorder stored. */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { recordingConfigSchema, type RecordingConfig } from '../../src/record/config.ts';
import type { ExchangeRecord } from '../../src/record/record.ts';
import { gunzip } from '../../src/record/batch-file.ts';
import { listBatches, readRecords } from '../../src/store/reader.ts';
import { openSink } from '../../src/store/sink.ts';

const schema = JSON.parse(await readFile(new URL('../../docs/record.schema.json', import.meta.url), 'utf8')) as object;
const ajv = new Ajv({ allErrors: true, strict: false });
(addFormatsModule as unknown as (ajv: Ajv) => void)(ajv);
const validate = ajv.compile(schema);

/** Throws with the schema errors when a record does not validate. */
export function assertValidRecord(record: unknown): void {
  if (!validate(record)) throw new Error(`record does not match docs/record.schema.json: ${ajv.errorsText(validate.errors)}`);
}

export async function tempDir(name: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `scribe-${name}-`));
}

export function configFor(root: string, overrides: Partial<RecordingConfig> = {}): RecordingConfig {
  return recordingConfigSchema.parse({
    store: `file:${join(root, 'store')}`,
    spoolDir: join(root, 'spool'),
    batchMaxAgeMs: 50,
    uploadRetryMinMs: 20,
    uploadRetryMaxMs: 200,
    // Tests that read records back give close() all the time it needs to build them.
    closeBuildBudgetMs: 60_000,
    ...overrides,
  });
}

/** Every record in a store, each validated against the schema. */
export async function storedRecords(store: string, options: { gcsEndpoint?: string } = {}): Promise<ExchangeRecord[]> {
  const records = await readRecords(await openSink(store, options));
  for (const record of records) assertValidRecord(record);
  return records;
}

/** All stored batch files decompressed into one text, for searching. */
export async function storedText(store: string, options: { gcsEndpoint?: string } = {}): Promise<string> {
  const sink = await openSink(store, options);
  let text = '';
  for (const name of await listBatches(sink)) text += new TextDecoder().decode(await gunzip(await sink.read(name)));
  return text;
}
