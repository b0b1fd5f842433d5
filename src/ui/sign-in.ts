/**
 * Signing in from a browser where the viewer trusts an identity provider directly (no IAP or
 * proxy in front): a browser does not add `Authorization` to the pages it opens, so the auditor
 * pastes an ID token once (e.g. `gcloud auth print-identity-token`), which is verified and
 * granted like a bearer token and then kept in a cookie the page's scripts cannot read
 * (HttpOnly), that other sites' pages never send (SameSite=Strict), and that ends when the token
 * does. Every request with it is verified again, as if the token came in the header.
 */
import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { html } from 'hono/html';
import type { ViewerEnv } from './access.ts';
import { messagePage } from './pages/layout.ts';

export const TOKEN_COOKIE = 'scribe_ui_token';
/** Browsers keep cookies of up to 4 KiB; ID tokens are well under this. */
const MAX_TOKEN_CHARS = 3800;

/** The ID token a browser sent in the viewer's cookie, if any. */
export const cookieToken = (c: Context): string | undefined => getCookie(c, TOKEN_COOKIE);

function signInPage(message?: string) {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark"><title>Sign in · Scribe audit</title><link rel="stylesheet" href="/assets/viewer.css"><link rel="icon" href="data:,"></head>
<body><header class="bar"><a class="brand" href="/">Scribe <span>audit</span></a></header>
<main><section class="notice"><h1>Sign in</h1>
${message ? html`<p class="problem">${message}</p>` : ''}
<form method="post" action="/sign-in" class="sign-in">
<label>Your ID token from the identity provider the viewer trusts (for Google: <code>gcloud auth print-identity-token</code>)
<textarea name="token" rows="6" required autocomplete="off" spellcheck="false"></textarea></label>
<button type="submit">Sign in</button>
</form>
<p class="muted">The token is kept in a cookie this page's scripts cannot read, sent only to this viewer, and dropped when it expires.</p>
</section></main></body></html>`;
}

/** Seconds until the token's `exp`, read without trusting it (it was just verified). */
function secondsLeft(token: string): number {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof payload.exp === 'number' ? Math.max(0, Math.floor(payload.exp - Date.now() / 1000)) : 3600;
  } catch {
    return 0;
  }
}

/**
 * The sign-in routes, answered before access is checked. `check` verifies a token and its
 * audit grant as a request's bearer token would be, and answers with the refusal when not.
 */
export function registerSignIn(app: Hono<ViewerEnv>, check: (c: Context, token: string) => Promise<Response | undefined>): void {
  app.get('/sign-in', (c) => c.html(signInPage()));
  // Anyone may post here before signing in: the form is read only up to a token's size.
  const limit = bodyLimit({ maxSize: 16 * 1024, onError: (c) => c.html(signInPage('That is far larger than an ID token.'), 413) });
  app.post('/sign-in', limit, async (c) => {
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const token = typeof form.token === 'string' ? form.token.trim() : '';
    if (token === '' || token.length > MAX_TOKEN_CHARS || /\s/.test(token)) {
      return c.html(signInPage(token === '' ? 'Paste an ID token.' : 'That is not an ID token (one line, at most 3,800 characters).'), 400);
    }
    const refused = await check(c, token);
    if (refused) return refused;
    const secure = new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https';
    setCookie(c, TOKEN_COOKIE, token, { httpOnly: true, sameSite: 'Strict', path: '/', secure, maxAge: secondsLeft(token) });
    return c.redirect('/', 303);
  });
  app.post('/sign-out', (c) => {
    deleteCookie(c, TOKEN_COOKIE, { path: '/' });
    return c.html(messagePage('Signed out', 'The token was dropped from this browser.', { href: '/sign-in', label: 'Sign in again' }));
  });
}
