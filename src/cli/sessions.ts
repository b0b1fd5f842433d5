/** `scribe sessions list|show`: who talked to Claude, when, in which sessions. */
import { parseArgs } from 'node:util';
import type { ExchangeRecord } from '../record/record.ts';
import { readRecords } from '../store/reader.ts';
import { RecordSet } from '../replay/record-set.ts';
import { openStore, parseTime, storeOptions } from './store-options.ts';

const usage = `Usage:
  scribe sessions list [--since <time>] [--until <time>] [--subject <sub|email>] [--json]
  scribe sessions show <session id> [--json]
Times are ISO 8601 or ages (30m, 12h, 7d). The store is --store or SCRIBE_STORE.
`;

interface SessionSummary {
  session: string;
  subject: string;
  exchanges: number;
  first: string;
  last: string;
  inputTokens: number;
  outputTokens: number;
  outcomes: Record<string, number>;
}

const who = (record: ExchangeRecord) => record.identity?.email ?? record.identity?.subject ?? '(unauthenticated)';
const tokens = (record: ExchangeRecord, field: string) => (typeof record.usage?.[field] === 'number' ? (record.usage[field] as number) : 0);

function summarise(records: ExchangeRecord[]): SessionSummary[] {
  const sessions = new Map<string, SessionSummary>();
  for (const record of records) {
    const summary = sessions.get(record.session.id) ?? {
      session: record.session.id, subject: who(record), exchanges: 0, first: record.time.start, last: record.time.start,
      inputTokens: 0, outputTokens: 0, outcomes: {},
    };
    summary.exchanges++;
    if (record.time.start < summary.first) summary.first = record.time.start;
    if (record.time.start > summary.last) summary.last = record.time.start;
    summary.inputTokens += tokens(record, 'input_tokens');
    summary.outputTokens += tokens(record, 'output_tokens');
    summary.outcomes[record.outcome.status] = (summary.outcomes[record.outcome.status] ?? 0) + 1;
    sessions.set(record.session.id, summary);
  }
  return [...sessions.values()].sort((a, b) => a.first.localeCompare(b.first));
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd()).join('\n') + '\n';
}

/** The last user text of a request, to tell exchanges apart at a glance. */
function lastUserText(body: Uint8Array): string {
  try {
    const messages = (JSON.parse(new TextDecoder().decode(body)) as { messages?: { role: string; content: unknown }[] }).messages ?? [];
    const last = [...messages].reverse().find((m) => m.role === 'user');
    const content = last?.content;
    const text = typeof content === 'string' ? content : Array.isArray(content) ? content.map((b: { text?: string; type?: string }) => b.text ?? `[${b.type}]`).join(' ') : '';
    return text.replace(/\s+/g, ' ').slice(0, 60);
  } catch {
    return '';
  }
}

async function list(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { ...storeOptions, since: { type: 'string' }, until: { type: 'string' }, subject: { type: 'string' }, json: { type: 'boolean' } } });
  const since = parseTime(values.since);
  const until = parseTime(values.until);
  let records = await readRecords(await openStore(values), { ...(since !== undefined ? { since } : {}), ...(until !== undefined ? { until } : {}) });
  if (values.subject) records = records.filter((r) => r.identity?.subject === values.subject || r.identity?.email === values.subject);
  const sessions = summarise(records);
  if (values.json) {
    process.stdout.write(`${JSON.stringify(sessions, null, 2)}\n`);
    return 0;
  }
  const rows = [['SESSION', 'WHO', 'EXCHANGES', 'FIRST', 'LAST', 'TOKENS IN/OUT', 'OUTCOMES']];
  for (const s of sessions) {
    rows.push([s.session, s.subject, String(s.exchanges), s.first, s.last, `${s.inputTokens}/${s.outputTokens}`, Object.entries(s.outcomes).map(([k, v]) => `${k}:${v}`).join(' ')]);
  }
  process.stdout.write(table(rows));
  return 0;
}

async function show(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { ...storeOptions, json: { type: 'boolean' } } });
  const [sessionId] = positionals;
  if (!sessionId) {
    process.stderr.write(usage);
    return 2;
  }
  const set = new RecordSet(await readRecords(await openStore(values)));
  const records = set.session(sessionId);
  if (records.length === 0) {
    process.stderr.write(`scribe sessions: no session ${sessionId} in the store\n`);
    return 1;
  }
  if (values.json) {
    process.stdout.write(`${JSON.stringify(records, null, 2)}\n`);
    return 0;
  }
  const rows = [['START', 'EXCHANGE', 'PARENT', 'WHO', 'MODEL', 'OUTCOME', 'STOP', 'IN/OUT', 'LAST USER MESSAGE']];
  for (const record of records) {
    const body = await set.requestBody(record.id).catch(() => new Uint8Array());
    const model = record.response?.message?.model ?? (record.request.body.form === 'json' ? String(record.request.body.json.model ?? '') : '');
    rows.push([
      record.time.start, record.id, record.parent ?? '-', who(record), model, record.outcome.status,
      String(record.response?.message?.stop_reason ?? '-'), `${tokens(record, 'input_tokens')}/${tokens(record, 'output_tokens')}`, lastUserText(body),
    ]);
  }
  process.stdout.write(table(rows));
  return 0;
}

export async function runSessions(argv: string[]): Promise<number> {
  const [action, ...rest] = argv;
  try {
    if (action === 'list') return await list(rest);
    if (action === 'show') return await show(rest);
  } catch (error) {
    process.stderr.write(`scribe sessions: ${(error as Error).message}\n`);
    return 1;
  }
  process.stderr.write(usage);
  return 2;
}
