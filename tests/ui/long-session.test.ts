/**
 * A long session is shown a part at a time: fifty exchanges a page, numbered in the whole
 * session, with links to the parts before and after, and each part's first turn read after the
 * exchange before it: it shows what it added, not the history or the system prompt again.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { newExchangeId } from '../../src/record/exchange-id.ts';
import { createRecorder } from '../../src/record/index.ts';
import { agentSession } from '../record/agent-session.ts';
import { alice, playStream, startOf } from '../record/fixtures.ts';
import { configFor, tempDir } from '../record/store-helpers.ts';
import { serveViewer, type ServedViewer } from './serve-viewer.ts';

const TURNS = 120;
const SESSION = 'long-session';
let served: ServedViewer;

before(async () => {
  const root = await tempDir('ui-long-session');
  const config = configFor(`${root}/gw`, { store: `file:${root}/store` });
  const recorder = await createRecorder(config, { instanceId: 'gw-long', log: () => {} });
  const startedAt = Date.now() - 3_600_000;
  for (const [turn, { body, answer }] of agentSession(TURNS, SESSION).entries()) {
    const at = startedAt + turn * 1000;
    playStream(recorder, startOf(body, { id: newExchangeId(at), identity: alice, startedAt: at }), answer);
  }
  await recorder.close();
  served = await serveViewer({ store: `file:${root}/store`, root, instanceId: 'ui-long' });
});
after(async () => served?.close());

const get = async (query = '') => {
  const response = await fetch(`${served.url}/s/${SESSION}${query}`);
  return { status: response.status, html: await response.text() };
};
const numbers = (html: string) => [...html.matchAll(/<section class="exchange"[^>]*>\s*<header><h2>#(\d+)/g)].map((m) => Number(m[1]));
const firstTurn = (html: string) => html.slice(html.indexOf('<section class="exchange"'), html.indexOf('</section>', html.indexOf('<section class="exchange"')));

test('the first part shows exchanges 1-50 and links to the next', async () => {
  const { status, html } = await get();
  assert.equal(status, 200);
  assert.deepEqual(numbers(html), Array.from({ length: 50 }, (_, i) => i + 1));
  assert.match(html, /Exchanges 1–50 of 120/);
  assert.match(html, new RegExp(`href="/s/${SESSION}\\?from=50">Later`));
  assert.ok(!html.includes('>Earlier<'));
});

test('a later part is numbered in the whole session and its first turn shows only what it added', async () => {
  const { html } = await get('?from=50');
  assert.deepEqual(numbers(html), Array.from({ length: 50 }, (_, i) => i + 51));
  assert.match(html, new RegExp(`href="/s/${SESSION}">Earlier`));
  assert.match(html, new RegExp(`href="/s/${SESSION}\\?from=100">Later`));
  const turn = firstTurn(html);
  const userMessages = (turn.match(/<div class="msg user">/g) ?? []).length;
  assert.ok(userMessages >= 1 && userMessages <= 2, `the 51st turn adds one or two messages, not the ${TURNS}-turn history (saw ${userMessages})`);
  // The system prompt is shown where it first appears or changes: read after the exchange
  // before it, a later part does not show it again as if new.
  assert.match(firstTurn((await get()).html), /<details class="system">/, 'the first turn shows the system prompt');
  assert.doesNotMatch(turn, /<details class="system">/, 'the first turn of a later part does not repeat it');
});

test('the last part ends the session; a part that is not a number is a 404 page', async () => {
  const { html } = await get('?from=100');
  assert.deepEqual(numbers(html), Array.from({ length: 20 }, (_, i) => i + 101));
  assert.ok(!html.includes('>Later<'));
  assert.equal((await get('?from=abc')).status, 404);
  assert.equal((await get('?from=-5')).status, 404);
  const past = await get(`?from=${TURNS}`);
  assert.equal(past.status, 404, 'a part past the end is not an empty page');
  assert.match(past.html, /has 120 exchanges: none from number 121/);
});
