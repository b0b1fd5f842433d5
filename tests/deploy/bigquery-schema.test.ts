/**
 * The BigQuery table schema (deploy/bigquery/schema.json) accepts every line of the batch files
 * the gateway writes, under BigQuery's NDJSON rules with ignoreUnknownValues false: every key a
 * known column, every value of the column's type. And it has a column for every field the
 * record schema (docs/record.schema.json) allows, so records the tests did not produce fit too.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createGateway } from '../../src/app.ts';
import { defineConfig } from '../../src/config/load.ts';
import { silentLogger } from '../../src/log/logger.ts';
import { gunzip } from '../../src/record/batch-file.ts';
import { listBatches } from '../../src/store/reader.ts';
import { openSink } from '../../src/store/sink.ts';
import { serveGateway } from '../support/serve.ts';
import { startUpstream } from '../support/upstream.ts';
import { tempDir } from '../record/store-helpers.ts';
import { AN, gen } from '../mask/fixtures.ts';

interface Column {
  name: string;
  type: 'STRING' | 'INT64' | 'FLOAT64' | 'BOOL' | 'TIMESTAMP' | 'JSON' | 'RECORD';
  mode: 'NULLABLE' | 'REQUIRED' | 'REPEATED';
  fields?: Column[];
}

const columns = JSON.parse(await readFile('deploy/bigquery/schema.json', 'utf8')) as Column[];

/** BigQuery's NDJSON reading of one value into one column; returns the problems found. */
function check(value: unknown, column: Column, path: string): string[] {
  if (value === null || value === undefined) return column.mode === 'REQUIRED' ? [`${path}: required`] : [];
  if (column.mode === 'REPEATED') {
    if (!Array.isArray(value)) return [`${path}: REPEATED column got ${typeof value}`];
    return value.flatMap((item, index) => check(item, { ...column, mode: 'NULLABLE' }, `${path}[${index}]`));
  }
  switch (column.type) {
    case 'JSON':
      return [];
    case 'STRING':
      return typeof value === 'string' ? [] : [`${path}: STRING got ${JSON.stringify(value).slice(0, 40)}`];
    case 'INT64':
      return Number.isSafeInteger(value) || (typeof value === 'string' && /^-?\d+$/.test(value)) ? [] : [`${path}: INT64 got ${JSON.stringify(value)}`];
    case 'FLOAT64':
      return typeof value === 'number' ? [] : [`${path}: FLOAT64 got ${JSON.stringify(value)}`];
    case 'BOOL':
      return typeof value === 'boolean' ? [] : [`${path}: BOOL got ${JSON.stringify(value)}`];
    case 'TIMESTAMP':
      return typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? [] : [`${path}: TIMESTAMP got ${JSON.stringify(value)}`];
    case 'RECORD':
      return typeof value === 'object' && !Array.isArray(value) ? checkObject(value as Record<string, unknown>, column.fields ?? [], path) : [`${path}: RECORD got ${typeof value}`];
  }
}

function checkObject(object: Record<string, unknown>, fields: Column[], path: string): string[] {
  const byName = new Map(fields.map((field) => [field.name, field]));
  return Object.entries(object).flatMap(([key, value]) => {
    const column = byName.get(key);
    return column ? check(value, column, `${path}.${key}`) : [`${path}.${key}: no such column (ignoreUnknownValues is false)`];
  });
}

test('every line of the batch files a gateway wrote fits the BigQuery schema', { timeout: 60_000 }, async () => {
  const upstream = await startUpstream();
  const root = await tempDir('bigquery');
  const store = `file:${join(root, 'store')}`;
  const config = defineConfig({
    server: { dataDir: root },
    connections: { default: { type: 'anthropic', baseUrl: upstream.url, apiKey: upstream.apiKey } },
    policy: { rules: [{ name: 'team', requestsPerMinute: 4, maxTokens: 100 }] },
    recording: { store, spoolDir: join(root, 'spool'), batchMaxAgeMs: 20 },
  });
  const { gateway, devIssuer } = await createGateway(config, { log: silentLogger });
  const served = await serveGateway(gateway);
  try {
    const token = await devIssuer!.sign({ subject: 'auditor@example.com', email: 'auditor@example.com', groups: ['eng'] });
    const call = (body: Record<string, unknown>) =>
      fetch(`${served.url}/v1/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'x-claude-code-session-id': 'bq-session' },
        body: JSON.stringify({ model: 'claude-sonnet-5-5', max_tokens: 50, messages: [{ role: 'user', content: 'hello' }], ...body }),
      }).then((response) => response.text());
    upstream.next({ reply: { blocks: [{ type: 'text', text: `a key: ghp_${gen(AN, 36)}` }, { type: 'tool_use', id: 'toolu_1', name: 'bash', input: { cmd: 'ls' } }] } });
    await call({ stream: true });
    upstream.next({ reply: { blocks: [{ type: 'thinking', thinking: 'hmm', signature: 'c2lnbmF0dXJl' }, { type: 'text', text: 'ok' }] } });
    await call({ stream: false, messages: [{ role: 'user', content: 'hello' }, { role: 'assistant', content: 'hi' }, { role: 'user', content: 'again' }] });
    upstream.next({ status: 529, error: { type: 'overloaded_error', message: 'busy' } });
    await call({ stream: true });
    await call({ max_tokens: 5000 }); // above the rule's cap: 403
    await call({}); // the fourth request this minute...
    await call({}); // ...and the fifth: 429
  } finally {
    await served.close();
    await gateway.close(0);
    await upstream.close();
  }

  const sink = await openSink(store);
  const names = await listBatches(sink);
  assert.ok(names.length > 0);
  let lines = 0;
  const outcomes = new Set<string>();
  for (const name of names) {
    for (const line of new TextDecoder().decode(await gunzip(await sink.read(name))).split('\n').filter(Boolean)) {
      const row = JSON.parse(line) as Record<string, any>;
      assert.deepEqual(checkObject(row, columns, 'row'), [], `${name}: ${line.slice(0, 200)}`);
      if (row.outcome) outcomes.add(row.outcome.status);
      lines++;
    }
  }
  assert.ok(lines >= 6 + names.length, `${lines} lines`);
  for (const outcome of ['complete', 'upstream_error', 'rejected']) assert.ok(outcomes.has(outcome), `no ${outcome} record was written`);
});

test('the BigQuery schema has a column for every field the record schema allows', async () => {
  const schema = JSON.parse(await readFile('docs/record.schema.json', 'utf8'));
  const definitions = schema.definitions ?? schema.$defs ?? {};
  const resolve = (node: any): any => (node?.$ref ? resolve(definitions[node.$ref.split('/').pop()]) : node);
  // Object shapes a property may take (through oneOf/anyOf), with their properties.
  const shapes = (node: any): any[] => {
    const resolved = resolve(node);
    const variants = resolved?.oneOf ?? resolved?.anyOf;
    return variants ? variants.flatMap(shapes) : [resolved];
  };
  const missing: string[] = [];
  const walk = (node: any, fields: Column[], path: string): void => {
    for (const shape of shapes(node)) {
      const properties = shape?.type === 'array' ? resolve(shape.items)?.properties : shape?.properties;
      for (const [key, child] of Object.entries(properties ?? {})) {
        const column = fields.find((field) => field.name === key);
        if (!column) missing.push(`${path}${key}`);
        else if (column.type === 'RECORD') walk(child, column.fields ?? [], `${path}${key}.`);
      }
    }
  };
  walk(schema, columns, '');
  assert.deepEqual(missing, []);
});
