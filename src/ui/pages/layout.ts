/** The frame every page shares: head, top bar, and the one stylesheet and script (both local). */
import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';

export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

export interface PageOptions {
  title: string;
  /** Who is looking, shown in the top bar. */
  viewer: string;
  store: string;
  /** Breadcrumb trail after "Sessions". */
  trail?: { label: string; href?: string }[];
  /** Signed in with the viewer's cookie: offer to sign out. */
  signOut?: boolean;
}

export function page(options: PageOptions, body: Html): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${options.title} · Scribe audit</title>
<link rel="stylesheet" href="/assets/viewer.css">
<link rel="icon" href="data:,">
<script type="module" src="/assets/viewer.js"></script>
</head>
<body>
<header class="bar">
  <a class="brand" href="/">Scribe <span>audit</span></a>
  <nav class="trail"><a href="/">Sessions</a>${(options.trail ?? []).map((step) => html` <span aria-hidden="true">›</span> ${step.href ? html`<a href="${step.href}">${step.label}</a>` : html`<span>${step.label}</span>`}`)}</nav>
  <span class="who" title="${options.store}">${options.viewer}</span>
  ${options.signOut ? html`<form method="post" action="/sign-out" class="sign-out"><button type="submit">Sign out</button></form>` : ''}
</header>
<main>
${body}
</main>
</body>
</html>`;
}

/** A page for a refusal or an error, in the same frame. */
export function messagePage(title: string, message: string, link?: { href: string; label: string }): Html {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark"><title>${title} · Scribe audit</title><link rel="stylesheet" href="/assets/viewer.css"><link rel="icon" href="data:,"></head>
<body><header class="bar"><a class="brand" href="/">Scribe <span>audit</span></a></header>
<main><section class="notice"><h1>${title}</h1><p>${message}</p>${link ? html`<p><a href="${link.href}">${link.label}</a></p>` : ''}</section></main></body></html>`;
}
