/**
 * The sessions page over HTTP on a store the real gateway wrote: each filter narrows the
 * table, columns sort, pages follow cursors, and every one of these views is its URL.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { recordStore, type RecordedStore } from './recorded-store.ts';
import { serveViewer, type ServedViewer } from './serve-viewer.ts';

let recorded: RecordedStore;
let served: ServedViewer;

before(async () => {
  recorded = await recordStore();
  served = await serveViewer({ store: recorded.store, root: recorded.root, instanceId: 'ui-pages' });
});
after(async () => {
  await served?.close();
  await recorded?.remove();
});

const page = async (query: string) => (await fetch(`${served.url}/${query}`)).text();
/** The "who" column of the table, gateway sessions only (the viewer's own access sessions left out). */
const whoColumn = (html: string) => [...html.matchAll(/<td data-label="Who" class="who-cell">([^<]*)</g)].map((m) => m[1]!.trim()).filter((who) => who.includes('@'));

test('each filter narrows the sessions to those it matches', async () => {
  assert.deepEqual(whoColumn(await page('?subject=bob*')), ['bob@example.com']);
  assert.deepEqual(whoColumn(await page('?finding=github-*')), ['alice@example.com']);
  assert.deepEqual(whoColumn(await page('?outcome=upstream_error')), ['bob@example.com']);
  assert.deepEqual(whoColumn(await page('?model=claude-sonnet-*')), ['alice@example.com']);
  assert.deepEqual(whoColumn(await page('?text=CHESTNUT')), ['bob@example.com'], 'answers are searched, case-insensitively');
  assert.deepEqual(whoColumn(await page(`?exchange=${recorded.exchanges[1]}`)), ['alice@example.com']);
  assert.deepEqual(whoColumn(await page('?group=engineering&connection=default')).sort(), ['alice@example.com', 'bob@example.com']);
  const none = await page('?subject=nobody');
  assert.match(none, /No session matches these filters\./);
  assert.match(none, /Filters \(1 active\)/);
});

test('columns sort both ways and the table pages with cursors', async () => {
  assert.deepEqual(whoColumn(await page('?connection=default&sort=who&order=asc')), ['alice@example.com', 'bob@example.com']);
  assert.deepEqual(whoColumn(await page('?connection=default&sort=who&order=desc')), ['bob@example.com', 'alice@example.com']);
  assert.deepEqual(whoColumn(await page('?connection=default&sort=tokens&order=desc')), ['alice@example.com', 'bob@example.com']);
  const first = await page('?connection=default&sort=who&order=asc&limit=1');
  assert.deepEqual(whoColumn(first), ['alice@example.com']);
  const next = /<a rel="next" href="([^"]+)">Next page/.exec(first)?.[1]?.replaceAll('&amp;', '&');
  assert.ok(next, 'a next-page link');
  const second = await (await fetch(`${served.url}${next}`)).text();
  assert.deepEqual(whoColumn(second), ['bob@example.com']);
  assert.ok(!/rel="next"/.test(second), 'no page after the last');
  assert.match(second, /« First page/);
});

test('a submitted form redirects to the short URL of the same view', async () => {
  const response = await fetch(`${served.url}/?subject=bob*&since=&until=&text=&sort=last&order=desc`, { redirect: 'manual' });
  assert.equal(response.status, 303);
  assert.equal(response.headers.get('location'), '/?subject=bob*&sort=last&order=desc');
});

test('unknown sessions and exchanges are 404 pages that say what is missing', async () => {
  const session = await fetch(`${served.url}/s/no-such-session`);
  assert.equal(session.status, 404);
  assert.match(await session.text(), /No session no-such-session in file:/);
  assert.equal((await fetch(`${served.url}/x/no-such-exchange/replay`)).status, 404);
  for (const sneaky of ['/assets/jose/..%2f..%2f..%2fpackage.json', '/assets/%2e%2e/%2e%2e/package.json', '/assets/jose/..%5c..%5cpackage.json']) {
    assert.equal((await fetch(`${served.url}${sneaky}`)).status, 404, sneaky);
  }
  assert.equal((await fetch(`${served.url}/assets/jose/index.js`)).headers.get('content-type'), 'text/javascript; charset=utf-8');
});
