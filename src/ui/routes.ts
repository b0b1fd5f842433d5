/** The viewer's pages and data endpoints, each a thin call into the audit layer. */
import type { Hono } from 'hono';
import type { AuditReader, ExchangeView, SessionPart, SessionView } from '../audit/types.ts';
import type { ViewerEnv } from './access.ts';
import { conversation } from './conversation.ts';
import { shortId } from './display.ts';
import { sessionJson, sessionMarkdown } from './export.ts';
import { parseSessionsQuery, sessionsUrl } from './filters.ts';
import { exchangePage } from './pages/exchange.ts';
import { integrityPage } from './pages/integrity.ts';
import { messagePage, page, type Html } from './pages/layout.ts';
import { replayPage } from './pages/replay.ts';
import { sessionPage } from './pages/session.ts';
import { accessSessionPage } from './pages/access-session.ts';
import { VIEWER_CONNECTION } from './access-log.ts';
import { sessionsPage } from './pages/sessions.ts';
import { replayPieces } from './replay-events.ts';

/** A session or exchange whose records could not be read (e.g. one no longer matches its index). */
export class Unreadable extends Error {
  constructor(readonly what: 'session' | 'exchange', readonly id: string, cause: Error) {
    super(cause.message);
  }

  page(): Html {
    return messagePage(`Cannot show this ${this.what}`, `${this.message}. The integrity check tells which batch files changed.`, {
      href: `/integrity?${this.what}=${encodeURIComponent(this.id)}`, label: 'Check integrity',
    });
  }
}

/** A download name safe in a header: the id's plain characters only. */
/** Exchanges shown on one page of a session. */
export const SESSION_PART = 50;

const fileName = (id: string, ext: string) => `session-${id.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 80)}.${ext}`;

export function registerPages(app: Hono<ViewerEnv>, reader: AuditReader): void {
  const frame = (c: { get(key: 'viewer'): { label: string; viaCookie?: boolean } }, title: string, body: Html, trail: { label: string; href?: string }[] = []) =>
    page({ title, viewer: c.get('viewer').label, store: reader.store, trail, ...(c.get('viewer').viaCookie ? { signOut: true } : {}) }, body);
  const missing = (what: string, id: string) => messagePage('Not found', `No ${what} ${id} in ${reader.store}.`);

  app.get('/', async (c) => {
    const given = c.req.query();
    const query = parseSessionsQuery(given);
    // A submitted form sends its empty fields too: answer with the short URL worth bookmarking.
    const canonical = sessionsUrl(query.values);
    if (Object.keys(given).length !== Object.keys(query.values).length) return c.redirect(canonical, 303);
    const result = await reader.sessions(query.filter, { limit: query.limit, sort: query.sort, order: query.order, ...(query.cursor ? { cursor: query.cursor } : {}) });
    return c.html(frame(c, 'Sessions', sessionsPage(query, result)));
  });

  const loadSession = (id: string, part?: SessionPart): Promise<SessionView | undefined> =>
    reader.session(id, {}, part).catch((error: Error) => Promise.reject(new Unreadable('session', id, error)));
  const loadExchange = (id: string): Promise<ExchangeView | undefined> => reader.exchange(id).catch((error: Error) => Promise.reject(new Unreadable('exchange', id, error)));

  app.get('/s/:id', async (c) => {
    const id = c.req.param('id');
    // A long session is shown a part at a time; exports still hold all of it.
    const from = Number(c.req.query('from') ?? 0);
    if (!Number.isSafeInteger(from) || from < 0) return c.html(messagePage('Not found', `No part of a session starts at "${c.req.query('from')}".`), 404);
    const session = await loadSession(id, { from, limit: SESSION_PART });
    if (!session) return c.html(missing('session', id), 404);
    if (session.exchanges.length === 0) return c.html(messagePage('Not found', `Session ${id} has ${session.summary.exchanges} exchanges: none from number ${from + 1}.`, { href: `/s/${encodeURIComponent(id)}`, label: 'Its first part' }), 404);
    const body = session.exchanges.every((e) => e.record.connection === VIEWER_CONNECTION) ? accessSessionPage(session, SESSION_PART) : sessionPage(session, await conversation(session), SESSION_PART);
    return c.html(frame(c, `Session ${shortId(id)}`, body, [{ label: `Session ${shortId(id)}` }]));
  });

  app.get('/s/:id/export.md', async (c) => {
    const id = c.req.param('id');
    const session = await loadSession(id);
    if (!session) return c.html(missing('session', id), 404);
    return c.body(sessionMarkdown(session, await conversation(session)), 200, {
      'content-type': 'text/markdown; charset=utf-8', 'content-disposition': `attachment; filename="${fileName(id, 'md')}"`,
    });
  });

  app.get('/s/:id/export.json', async (c) => {
    const id = c.req.param('id');
    const session = await loadSession(id);
    if (!session) return c.html(missing('session', id), 404);
    return c.body(sessionJson(session), 200, { 'content-type': 'application/json', 'content-disposition': `attachment; filename="${fileName(id, 'json')}"` });
  });

  app.get('/x/:id', async (c) => {
    const id = c.req.param('id');
    const view = await loadExchange(id);
    if (!view) return c.html(missing('exchange', id), 404);
    const body = await view.requestBody().catch((error: Error) => error);
    const response = (await replayPieces(view.record)).map((p) => p.raw).join('');
    return c.html(frame(c, `Exchange ${shortId(id)}`, exchangePage(view, body, response), [
      { label: `Session ${shortId(view.summary.session)}`, href: `/s/${encodeURIComponent(view.summary.session)}` }, { label: `Exchange ${shortId(id)}` },
    ]));
  });

  app.get('/x/:id/replay', async (c) => {
    const id = c.req.param('id');
    const view = await loadExchange(id);
    if (!view) return c.html(missing('exchange', id), 404);
    return c.html(frame(c, `Replay ${shortId(id)}`, replayPage(view), [
      { label: `Session ${shortId(view.summary.session)}`, href: `/s/${encodeURIComponent(view.summary.session)}` }, { label: 'Replay' },
    ]));
  });

  app.get('/x/:id/replay.json', async (c) => {
    const view = await loadExchange(c.req.param('id'));
    if (!view) return c.json({ type: 'error', error: { type: 'not_found_error', message: 'No such exchange.' } }, 404);
    return c.json({ pieces: await replayPieces(view.record) });
  });

  // The sealed originals of a session's or an exchange's redactions, for revealing in the browser.
  // Fetching them is what the access log records as a reveal.
  app.get('/api/sealed', async (c) => {
    const sessionId = c.req.query('session');
    const exchangeId = c.req.query('exchange');
    const views = sessionId ? (await loadSession(sessionId))?.exchanges : exchangeId ? [await loadExchange(exchangeId)].filter((v) => v !== undefined) : undefined;
    if (!views) return c.json({ type: 'error', error: { type: 'invalid_request_error', message: 'Name a session or an exchange.' } }, 400);
    const sealed = views.flatMap((view) =>
      view.record.findings.flatMap((finding, index) => (finding.sealed ? [{ exchange: view.summary.id, index, rule: finding.rule, kid: finding.kid ?? null, sealed: finding.sealed }] : [])));
    return c.json({ sealed });
  });

  // Batch names come from the index alone, so the check works even when a record no longer
  // matches its index (which is exactly when it is needed).
  app.get('/integrity', async (c) => {
    const sessionId = c.req.query('session');
    const exchangeId = c.req.query('exchange');
    if (!sessionId && !exchangeId) return c.html(messagePage('Integrity', 'Open integrity from a session or an exchange.'), 400);
    const filter = sessionId ? { session: sessionId } : { exchange: exchangeId! };
    const batches = new Set<string>();
    let cursor: string | undefined;
    do {
      const result = await reader.exchanges(filter, { limit: 1000, ...(cursor ? { cursor } : {}) });
      for (const summary of result.items) batches.add(summary.batch);
      cursor = result.next;
    } while (cursor);
    const label = sessionId ? `session ${shortId(sessionId)}` : `exchange ${shortId(exchangeId!)}`;
    const href = sessionId ? `/s/${encodeURIComponent(sessionId)}` : `/x/${encodeURIComponent(exchangeId!)}`;
    if (batches.size === 0) return c.html(missing(sessionId ? 'session' : 'exchange', sessionId ?? exchangeId!), 404);
    const results = await reader.integrity([...batches]);
    return c.html(frame(c, 'Integrity', integrityPage({ label, href }, results), [{ label: label[0]!.toUpperCase() + label.slice(1), href }, { label: 'Integrity' }]));
  });
}
