/** Composes the viewer: security headers, access, the access log, pages and assets. */
import { Hono } from 'hono';
import type { AuditReader } from '../audit/types.ts';
import { requireAuditor, type AccessOptions, type ViewerEnv } from './access.ts';
import type { AccessLog } from './access-log.ts';
import { asset } from './assets.ts';
import { messagePage } from './pages/layout.ts';
import { registerPages, Unreadable } from './routes.ts';

export interface ViewerOptions {
  reader: AuditReader;
  access: AccessOptions;
  accessLog?: AccessLog;
  /** Host names the viewer answers to when it serves loopback only (DNS rebinding guard). */
  loopbackOnly: boolean;
  log?: (message: string) => void;
}

const CSP = [
  "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "connect-src 'self'",
  "form-action 'self'", "base-uri 'none'", "frame-ancestors 'none'",
].join('; ');

const loopbackHost = /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/;

export function createViewer(options: ViewerOptions): Hono<ViewerEnv> {
  const app = new Hono<ViewerEnv>();
  app.use(async (c, next) => {
    if (options.loopbackOnly && !loopbackHost.test(c.req.header('host') ?? '')) {
      return c.text('This viewer answers on loopback only (127.0.0.1 or localhost).', 421);
    }
    await next();
    c.header('content-security-policy', CSP);
    c.header('x-content-type-options', 'nosniff');
    c.header('referrer-policy', 'no-referrer');
    c.header('x-frame-options', 'DENY');
    c.header('cross-origin-opener-policy', 'same-origin');
    if (!c.res.headers.has('cache-control')) c.header('cache-control', 'no-store');
  });
  app.use(
    requireAuditor(
      {
        ...options.access,
        refused: ({ identity, status }, c) => options.accessLog?.refused(identity, { method: c.req.method, url: c.req.url, userAgent: c.req.header('user-agent') }, status),
      },
      app,
    ),
  );
  app.get('/assets/*', async (c) => {
    const found = await asset(c.req.path);
    if (!found) return c.notFound();
    return c.body(found.bytes as Uint8Array<ArrayBuffer>, 200, { 'content-type': found.type, 'cache-control': 'private, max-age=300' });
  });
  // Every other request is a view of the recordings: record who asked for what, and the answer's status.
  app.use(async (c, next) => {
    await next();
    options.accessLog?.note(c.get('viewer'), { method: c.req.method, url: c.req.url, userAgent: c.req.header('user-agent') }, c.res.status);
  });
  registerPages(app, options.reader);
  app.notFound((c) => c.html(messagePage('Not found', `Nothing at ${c.req.path}.`), 404));
  app.onError((error, c) => {
    if (error instanceof Unreadable) return c.html(error.page(), 502);
    options.log?.(`viewer: ${c.req.method} ${c.req.path} failed: ${error instanceof Error ? error.message : String(error)}`);
    return c.html(messagePage('Could not read the store', error instanceof Error ? error.message : String(error)), 502);
  });
  return app;
}
