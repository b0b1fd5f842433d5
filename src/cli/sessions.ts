/** `scribe sessions list|show`: who talked to Claude, when, in which sessions; a client of the audit layer. */
import { parseArgs } from 'node:util';
import type { ExchangeFilter, SessionSort } from '../audit/types.ts';
import { stderrProgress } from './progress.ts';
import { auditOptions, openAuditStore, parseTime } from './store-options.ts';
import { table } from './table.ts';

const usage = `Usage:
  scribe sessions list [filters] [--sort last|first|exchanges|tokens|who] [--asc] [--limit n] [--cursor c] [--json]
  scribe sessions show <session id> [--json]
Filters: --since <time> --until <time> --subject <glob> (subject or email) --issuer <glob> --group <glob>
         --connection <name> --model <glob> --outcome <outcome> --finding <rule glob, or *> --session <id>
         --exchange <id> --text <substring of a prompt or answer, case-insensitive>
Times are ISO 8601 or ages (30m, 12h, 7d). The store is --store or SCRIBE_STORE; --cache names the
index cache file, --refresh lists every hour of the store again.
`;

const filterOptions = {
  since: { type: 'string' },
  until: { type: 'string' },
  subject: { type: 'string' },
  issuer: { type: 'string' },
  group: { type: 'string' },
  connection: { type: 'string' },
  model: { type: 'string' },
  outcome: { type: 'string' },
  finding: { type: 'string' },
  session: { type: 'string' },
  exchange: { type: 'string' },
  text: { type: 'string' },
} as const;

type FilterValues = { [K in keyof typeof filterOptions]?: string };

export function filterFrom(values: FilterValues): ExchangeFilter {
  const filter: ExchangeFilter = {};
  const since = parseTime(values.since);
  const until = parseTime(values.until);
  if (since !== undefined) filter.since = since;
  if (until !== undefined) filter.until = until;
  for (const key of ['subject', 'issuer', 'group', 'connection', 'model', 'outcome', 'finding', 'session', 'exchange', 'text'] as const) {
    const value = values[key];
    if (value !== undefined) filter[key] = value;
  }
  return filter;
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const outcomes = (counts: Record<string, number>) => Object.entries(counts).map(([k, v]) => `${k}:${v}`).join(' ');

async function list(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { ...auditOptions, ...filterOptions, sort: { type: 'string' }, asc: { type: 'boolean' }, limit: { type: 'string' }, cursor: { type: 'string' }, json: { type: 'boolean' } },
  });
  const sort = (values.sort ?? 'last') as SessionSort;
  if (!['last', 'first', 'exchanges', 'tokens', 'who'].includes(sort)) throw new Error(`--sort takes last, first, exchanges, tokens or who, not ${values.sort}`);
  const limit = values.limit !== undefined ? Number(values.limit) : 50;
  if (!Number.isInteger(limit) || limit < 1) throw new Error(`--limit takes a positive whole number, not ${values.limit}`);
  const filter = filterFrom(values);
  const progress = stderrProgress('sessions list');
  const audit = await openAuditStore(values, progress.report);
  try {
    const page = await audit.sessions(filter, { sort, order: values.asc ? 'asc' : 'desc', limit, ...(values.cursor ? { cursor: values.cursor } : {}) });
    progress.done();
    if (values.json) {
      process.stdout.write(`${JSON.stringify(page, null, 2)}\n`);
      return 0;
    }
    if (page.items.length === 0) {
      process.stderr.write(`scribe sessions: no sessions match in ${audit.store}${values.cursor ? ' (past the end of the list)' : ''}\n`);
      return 0;
    }
    const rows = [['SESSION', 'WHO', 'EXCHANGES', 'FIRST', 'LAST', 'TOKENS IN/OUT', 'FINDINGS', 'OUTCOMES', 'FIRST PROMPT']];
    for (const s of page.items) {
      rows.push([s.session, s.who, String(s.exchanges), iso(s.first), iso(s.last), `${s.inputTokens}/${s.outputTokens}`, String(s.findings), outcomes(s.outcomes), s.preview.slice(0, 50)]);
    }
    process.stdout.write(table(rows));
    if (page.next) process.stderr.write(`more: add --cursor ${page.next}\n`);
    return 0;
  } finally {
    await audit.close();
  }
}

async function show(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { ...auditOptions, since: { type: 'string' }, until: { type: 'string' }, json: { type: 'boolean' } } });
  const [sessionId] = positionals;
  if (!sessionId) {
    process.stderr.write(usage);
    return 2;
  }
  const progress = stderrProgress('sessions show');
  const audit = await openAuditStore(values, progress.report);
  try {
    const since = parseTime(values.since);
    const until = parseTime(values.until);
    const view = await audit.session(sessionId, { ...(since !== undefined ? { since } : {}), ...(until !== undefined ? { until } : {}) });
    progress.done();
    if (!view) {
      process.stderr.write(`scribe sessions: no session ${sessionId} in ${audit.store}\n`);
      return 1;
    }
    if (values.json) {
      process.stdout.write(`${JSON.stringify(view.exchanges.map((e) => e.record), null, 2)}\n`);
      return 0;
    }
    const rows = [['START', 'EXCHANGE', 'PARENT', 'WHO', 'MODEL', 'OUTCOME', 'STOP', 'IN/OUT', 'FINDINGS', 'LAST USER MESSAGE']];
    for (const { summary: e, record } of view.exchanges) {
      rows.push([
        iso(e.start), e.id, e.parent ?? '-', e.email ?? e.subject ?? '(unauthenticated)', e.model ?? '', e.outcome,
        String(record.response?.message?.stop_reason ?? '-'), `${e.inputTokens}/${e.outputTokens}`, e.findings.join(',') || '-', e.preview.slice(0, 60),
      ]);
    }
    process.stdout.write(table(rows));
    return 0;
  } finally {
    await audit.close();
  }
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
