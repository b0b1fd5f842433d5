/**
 * TEMPORARY: an AuditReader over the store's batch files, so the viewer can be built and
 * tested before the audit layer (src/audit/) lands. It reads every record on each call; the
 * real layer reads indexes. Delete this file once openAudit is available.
 */
import type {
  AuditReader, BatchIntegrity, ExchangeFilter, ExchangeSummary, ExchangeView, Page, PageRequest, SessionSort, SessionSummary, SessionView,
} from '../audit/types.ts';
import type { ExchangeRecord } from '../record/record.ts';
import { RecordSet } from '../replay/record-set.ts';
import { listBatches, readBatch } from '../store/reader.ts';
import { openSink } from '../store/sink.ts';
import { verifyStore } from '../store/verify.ts';
import { compileGlobs } from '../policy/glob.ts';

interface Loaded { set: RecordSet; summaries: ExchangeSummary[] }

const num = (value: unknown) => (typeof value === 'number' ? value : 0);

function preview(set: RecordSet, record: ExchangeRecord): string {
  const body = record.request.body;
  if (body.form !== 'json') return '';
  const messages = (body.history?.append ?? (body.json.messages as unknown[] | null) ?? []) as { role?: string; content?: unknown }[];
  const last = [...messages].reverse().find((m) => m.role === 'user');
  const content = last?.content;
  const text = typeof content === 'string' ? content : Array.isArray(content) ? content.map((b: { text?: string; type?: string }) => b.text ?? `[${b.type}]`).join(' ') : '';
  void set;
  return text.replace(/\s+/g, ' ').trim().slice(0, 120);
}

function glob(pattern: string | undefined, ignoreCase = false): (value: string | null | undefined) => boolean {
  if (pattern === undefined) return () => true;
  const match = compileGlobs([pattern], { ignoreCase });
  return (value) => value != null && match(value);
}

export async function openInterimReader(storeUrl: string, options: { gcsEndpoint?: string } = {}): Promise<AuditReader> {
  const sink = await openSink(storeUrl, options.gcsEndpoint ? { gcsEndpoint: options.gcsEndpoint } : {});

  async function load(): Promise<Loaded> {
    const records: ExchangeRecord[] = [];
    const summaries: ExchangeSummary[] = [];
    for (const name of await listBatches(sink)) {
      const batch = await readBatch(sink, name);
      batch.lines.forEach((line, index) => {
        const record = JSON.parse(line) as ExchangeRecord;
        records.push(record);
        summaries.push({
          id: record.id, session: record.session.id, parent: record.parent, batch: name, line: index, instance: record.chain.instance, seq: record.chain.seq,
          subject: record.identity?.subject ?? null, email: record.identity?.email ?? null, issuer: record.identity?.issuer ?? null, groups: record.identity?.groups ?? [],
          connection: record.connection,
          model: record.response?.message?.model ?? (record.request.body.form === 'json' && typeof record.request.body.json.model === 'string' ? record.request.body.json.model : null),
          start: record.time.startMs, ttfbMs: record.time.ttfbMs, durationMs: record.time.durationMs,
          inputTokens: num(record.usage?.input_tokens), outputTokens: num(record.usage?.output_tokens),
          outcome: record.outcome.status, findings: record.findings.map((f) => f.rule), preview: '',
        });
      });
    }
    const set = new RecordSet(records);
    for (const summary of summaries) summary.preview = preview(set, set.get(summary.id)!);
    summaries.sort((a, b) => a.start - b.start || a.seq - b.seq);
    return { set, summaries };
  }

  function matcher(filter: ExchangeFilter, set: RecordSet): (s: ExchangeSummary) => Promise<boolean> {
    const who = glob(filter.subject, true);
    const group = glob(filter.group);
    const model = glob(filter.model);
    const finding = glob(filter.finding);
    const text = filter.text?.toLowerCase();
    return async (s) => {
      if (filter.since !== undefined && s.start < filter.since) return false;
      if (filter.until !== undefined && s.start > filter.until) return false;
      if (filter.subject !== undefined && !who(s.subject) && !who(s.email)) return false;
      if (filter.issuer !== undefined && s.issuer !== filter.issuer) return false;
      if (filter.group !== undefined && !s.groups.some(group)) return false;
      if (filter.connection !== undefined && s.connection !== filter.connection) return false;
      if (filter.model !== undefined && !model(s.model)) return false;
      if (filter.outcome !== undefined && s.outcome !== filter.outcome) return false;
      if (filter.finding !== undefined && !s.findings.some(finding)) return false;
      if (filter.session !== undefined && s.session !== filter.session) return false;
      if (filter.exchange !== undefined && s.id !== filter.exchange) return false;
      if (text !== undefined) {
        const record = set.get(s.id)!;
        const body = new TextDecoder().decode(await set.requestBody(s.id).catch(() => new Uint8Array())).toLowerCase();
        const answer = JSON.stringify(record.response?.message?.content ?? '').toLowerCase();
        if (!body.includes(text) && !answer.includes(text)) return false;
      }
      return true;
    };
  }

  function summarise(items: ExchangeSummary[]): SessionSummary {
    const first = items[0]!;
    const summary: SessionSummary = {
      session: first.session, who: first.email ?? first.subject ?? '(unauthenticated)', subject: first.subject, email: first.email, issuer: first.issuer,
      exchanges: items.length, first: first.start, last: first.start, inputTokens: 0, outputTokens: 0, outcomes: {}, models: [], connections: [], findings: 0, preview: first.preview,
    };
    for (const s of items) {
      summary.last = Math.max(summary.last, s.start);
      summary.inputTokens += s.inputTokens;
      summary.outputTokens += s.outputTokens;
      summary.outcomes[s.outcome] = (summary.outcomes[s.outcome] ?? 0) + 1;
      if (s.model && !summary.models.includes(s.model)) summary.models.push(s.model);
      if (!summary.connections.includes(s.connection)) summary.connections.push(s.connection);
      summary.findings += s.findings.length;
    }
    return summary;
  }

  function pageOf<T>(items: T[], page: PageRequest = {}): Page<T> {
    const limit = Math.min(Math.max(page.limit ?? 50, 1), 1000);
    const offset = page.cursor ? Number(page.cursor) || 0 : 0;
    const slice = items.slice(offset, offset + limit);
    return offset + limit < items.length ? { items: slice, next: String(offset + limit) } : { items: slice };
  }

  function view(set: RecordSet, summary: ExchangeSummary): ExchangeView {
    return { summary, record: set.get(summary.id)!, requestBody: () => set.requestBody(summary.id) };
  }

  return {
    store: sink.url,
    async sessions(filter, page = {}) {
      const { set, summaries } = await load();
      const test = matcher(filter, set);
      const bySession = new Map<string, ExchangeSummary[]>();
      for (const s of summaries) if (await test(s)) bySession.set(s.session, [...(bySession.get(s.session) ?? []), s]);
      const sessions = [...bySession.values()].map(summarise);
      const sort: SessionSort = page.sort ?? 'last';
      const key = (s: SessionSummary): number | string =>
        sort === 'first' ? s.first : sort === 'exchanges' ? s.exchanges : sort === 'tokens' ? s.inputTokens + s.outputTokens : sort === 'who' ? s.who : s.last;
      const direction = (page.order ?? (sort === 'who' ? 'asc' : 'desc')) === 'asc' ? 1 : -1;
      sessions.sort((a, b) => (key(a) < key(b) ? -direction : key(a) > key(b) ? direction : a.session < b.session ? -1 : 1));
      return pageOf(sessions, page);
    },
    async exchanges(filter, page = {}) {
      const { set, summaries } = await load();
      const test = matcher(filter, set);
      const matching: ExchangeSummary[] = [];
      for (const s of summaries) if (await test(s)) matching.push(s);
      return pageOf(matching, page);
    },
    async session(id) {
      const { set, summaries } = await load();
      const items = summaries.filter((s) => s.session === id);
      if (items.length === 0) return undefined;
      const result: SessionView = { summary: summarise(items), exchanges: items.map((s) => view(set, s)) };
      return result;
    },
    async exchange(id) {
      const { set, summaries } = await load();
      const summary = summaries.find((s) => s.id === id);
      return summary ? view(set, summary) : undefined;
    },
    async integrity(batches): Promise<BatchIntegrity[]> {
      const report = await verifyStore(sink);
      const names = new Set(await listBatches(sink));
      return batches.map((batch) => {
        const instance = batch.split('/').pop()?.split('.')[0] ?? batch;
        const problems = names.has(batch)
          ? report.problems.filter((p) => p.startsWith(batch) || p.startsWith(`${instance}:`))
          : [`${batch}: not in the store (removed?)`];
        return { batch, ok: problems.length === 0, problems };
      });
    },
    async close() {},
  };
}
