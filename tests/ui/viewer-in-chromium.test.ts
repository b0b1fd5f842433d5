/**
 * The audit viewer in a real browser (Debian's Chromium via playwright-core) on a store the
 * real gateway wrote: an auditor lists sessions, filters by subject, opens a session, sees
 * each redaction with its rule, replays an answer and watches it arrive over time (and
 * pause), reveals the sealed originals with a private key file, and exports Markdown.
 * Screenshots of every page go to $SCRIBE_UI_SCREENSHOTS (a temporary directory otherwise).
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { openSink } from '../../src/store/sink.ts';
import { verifyStore } from '../../src/store/verify.ts';
import { storedRecords } from '../record/store-helpers.ts';
import { launchChromium, screenshotDir, type Chromium } from './browser.ts';
import { recordStore, type RecordedStore } from './recorded-store.ts';
import { serveViewer, type ServedViewer } from './serve-viewer.ts';

let recorded: RecordedStore;
let served: ServedViewer;
let chromium: Chromium;
let shots: string;

before(async () => {
  recorded = await recordStore();
  served = await serveViewer({ store: recorded.store, root: recorded.root });
  chromium = await launchChromium();
  shots = await screenshotDir();
});
after(async () => {
  await chromium?.close();
  await served?.close();
  await recorded?.remove();
});

/** A page that fails the test on any script error or refused resource (a CSP violation shows as one). */
async function openPage(): Promise<{ page: Page; problems: string[] }> {
  const page = await chromium.browser.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  return { page, problems };
}

test('an auditor filters sessions by subject and opens one with its redactions marked', async () => {
  const { page, problems } = await openPage();
  await page.goto(served.url);
  const rows = page.locator('table.sessions tbody tr');
  assert.deepEqual((await page.locator('table.sessions td.who-cell').allTextContents()).map((t) => t.trim()).filter((t) => !t.includes('viewer access')).sort(), ['alice@example.com', 'bob@example.com']);
  await page.screenshot({ path: join(shots, 'sessions.png') });

  await page.locator('.filters summary').click();
  await page.getByLabel('Subject or email').fill('alice@*');
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.waitForURL(/subject=alice%40\*/);
  assert.deepEqual((await rows.locator('td.who-cell').allTextContents()).map((t) => t.trim()), ['alice@example.com']);
  await page.screenshot({ path: join(shots, 'sessions-filtered.png') });

  await rows.first().locator('td.preview a').click();
  await page.waitForURL(`${served.url}/s/${recorded.aliceSession}`);
  const markers = page.locator('mark.redaction');
  assert.equal(await markers.count(), 2, 'one marker in the answer, one in the tool result of the prompt');
  for (const text of await markers.allTextContents()) assert.match(text, /github-pat\s*redacted/);
  assert.ok(await page.locator('details.thinking summary', { hasText: 'Thinking' }).isVisible(), 'thinking is folded');
  assert.equal(await page.locator('details.thinking').getAttribute('open'), null);
  assert.ok(await page.locator('.tool-call code', { hasText: 'get_weather' }).isVisible());
  assert.ok(await page.locator('.timeline svg rect.out').count() === 2);
  const html = await page.content();
  assert.ok(!html.includes(recorded.answerSecret) && !html.includes(recorded.promptSecret), 'no secret reaches the page');
  await page.screenshot({ path: join(shots, 'session.png') });
  await page.screenshot({ path: join(shots, 'session-full.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test('a replay streams the answer in at its recorded pace, and pauses', async () => {
  const { page, problems } = await openPage();
  const [first] = recorded.exchanges;
  await page.goto(`${served.url}/x/${first}/replay`);
  await page.waitForSelector('.player[data-state=ready]');
  const { pieces } = (await (await fetch(`${served.url}/x/${first}/replay.json`)).json()) as { pieces: { ms: number }[] };
  const recordedMs = pieces.at(-1)!.ms;
  assert.ok(recordedMs > 1000, `the recorded answer took ${recordedMs} ms`);

  const stream = page.locator('.stream');
  const samples: { at: number; length: number }[] = [];
  const started = Date.now();
  await page.getByRole('button', { name: 'Play' }).click();
  while ((await page.locator('.player').getAttribute('data-state')) === 'playing' && Date.now() - started < 20_000) {
    samples.push({ at: Date.now() - started, length: (await stream.textContent())!.length });
    await page.waitForTimeout(100);
  }
  const elapsed = Date.now() - started;
  const finalText = (await stream.textContent())!;
  assert.ok(finalText.includes('Let me check the weather for you.') && finalText.includes('[REDACTED:github-pat]'), finalText);
  assert.ok(!finalText.includes(recorded.answerSecret));
  assert.equal(await stream.locator('mark.redaction').textContent(), '[REDACTED:github-pat]', 'the redaction is marked in the replay too');
  const lengths = new Set(samples.map((s) => s.length));
  assert.ok(lengths.size >= 5, `text arrived in ${lengths.size} visible steps`);
  assert.ok(samples.every((s, i) => i === 0 || s.length >= samples[i - 1]!.length), 'text only grows');
  assert.ok(elapsed >= recordedMs * 0.8, `played in ${elapsed} ms; recorded ${recordedMs} ms`);

  // Again at 2x, with a pause in the middle: nothing arrives while paused.
  await page.locator('select[data-action=speed]').selectOption('2');
  await page.getByRole('button', { name: 'Play again' }).click();
  await page.waitForTimeout(recordedMs / 2 / 3);
  await page.getByRole('button', { name: 'Pause' }).click();
  const pausedAt = (await stream.textContent())!.length;
  assert.ok(pausedAt > 0 && pausedAt < finalText.length, `paused with ${pausedAt} of ${finalText.length} characters shown`);
  await page.screenshot({ path: join(shots, 'replay.png') });
  await page.waitForTimeout(500);
  assert.equal((await stream.textContent())!.length, pausedAt);
  const resumed = Date.now();
  await page.getByRole('button', { name: 'Resume' }).click();
  await page.waitForSelector('.player[data-state=ended]', { timeout: 10_000 });
  assert.ok(Date.now() - resumed < recordedMs * 0.75, 'at 2x the rest plays faster than recorded');
  assert.equal(await stream.textContent(), finalText);
  assert.deepEqual(problems, []);
  await page.close();
});

test('sealed originals are revealed in the page with a private key file, which is not kept', async () => {
  const { page, problems } = await openPage();
  await page.goto(`${served.url}/s/${recorded.aliceSession}`);
  await page.locator('#reveal-key').setInputFiles(recorded.keyFile);
  await page.waitForSelector('.reveal[data-revealed="2"]');
  assert.match((await page.locator('.reveal-status').textContent())!, /Revealed 2 of 2 sealed originals\. The key was not kept\./);
  // A sealed original is the token's body: its "ghp_" prefix was never redacted.
  const bodies = [recorded.answerSecret.slice(4), recorded.promptSecret.slice(4)].sort();
  const revealed = await page.locator('mark.redaction.revealed .original').allTextContents();
  assert.deepEqual(revealed.sort(), bodies);
  assert.deepEqual((await page.locator('td.original.revealed').allTextContents()).sort(), bodies);
  assert.equal(await page.locator('#reveal-key').inputValue(), '', 'the file input is cleared');
  const stored = await page.evaluate(async () => ({ local: localStorage.length, session: sessionStorage.length, dbs: (await indexedDB.databases()).length }));
  assert.deepEqual(stored, { local: 0, session: 0, dbs: 0 }, 'nothing of the key is stored in the browser');
  await page.locator('mark.redaction.revealed').first().scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(shots, 'session-revealed.png') });
  assert.deepEqual(problems, []);
  await page.close();
});

test('a session exports as Markdown (the conversation) and as JSON (the records)', async () => {
  const { page } = await openPage();
  await page.goto(`${served.url}/s/${recorded.aliceSession}`);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export Markdown' }).click()]);
  assert.equal(download.suggestedFilename(), `session-${recorded.aliceSession}.md`);
  const markdown = await readFile((await download.path())!, 'utf8');
  assert.match(markdown, /^# Session alice-weather\n/);
  assert.match(markdown, /### User\n\nWhat is the weather in Paris right now\?/);
  assert.match(markdown, /<details><summary>Thinking<\/summary>/);
  assert.match(markdown, /\*\*Tool call\*\* `get_weather`/);
  assert.match(markdown, /### Tool results\n\n\*\*Tool result\*\*/);
  assert.match(markdown, /It is 21°C and sunny in Paris/);
  assert.equal(markdown.match(/\[REDACTED:github-pat\]/g)?.length, 2);
  assert.ok(!markdown.includes(recorded.answerSecret) && !markdown.includes(recorded.promptSecret));

  const [json] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export JSON' }).click()]);
  const exported = JSON.parse(await readFile((await json.path())!, 'utf8')) as { records: { id: string }[] };
  assert.deepEqual(exported.records.map((r) => r.id), recorded.exchanges.slice(0, 2));
  await page.close();
});

test('the exchange and integrity pages show the raw exchange and a plain verdict', async () => {
  const { page, problems } = await openPage();
  const [first] = recorded.exchanges;
  await page.goto(`${served.url}/x/${first}`);
  assert.ok(await page.getByRole('heading', { name: 'Request' }).isVisible());
  const raw = await page.locator('pre.raw').allTextContents();
  assert.ok(raw.some((t) => t.includes('"What is the weather in Paris right now?"')), 'the rebuilt request body');
  assert.ok(raw.some((t) => t.includes('event: content_block_delta')), 'the response stream');
  assert.ok(raw.some((t) => t.includes('"connection": "default"')), 'the record');
  await page.screenshot({ path: join(shots, 'exchange.png') });
  await page.goto(`${served.url}/integrity?session=${recorded.aliceSession}`);
  assert.match((await page.locator('.verdict').textContent())!, /^Intact\. /);
  await page.screenshot({ path: join(shots, 'integrity.png') });
  assert.deepEqual(problems, []);
  await page.close();
});

test('pages fit a phone-width window, and read in dark mode', async () => {
  const phone = await launchChromium({ width: 390, height: 844, colorScheme: 'dark' });
  try {
    const page = await phone.browser.newPage();
    for (const [path, name] of [['/', 'phone-sessions'], [`/s/${recorded.aliceSession}`, 'phone-session']] as const) {
      await page.goto(`${served.url}${path}`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${path} scrolls sideways by ${overflow} px at 390 px`);
      await page.screenshot({ path: join(shots, `${name}.png`) });
    }
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.equal(background, 'rgb(21, 23, 27)', 'the dark palette applies');
  } finally {
    await phone.close();
  }
  const dark = await launchChromium({ colorScheme: 'dark' });
  try {
    const page = await dark.browser.newPage();
    await page.goto(`${served.url}/s/${recorded.aliceSession}`);
    await page.screenshot({ path: join(shots, 'session-dark.png') });
  } finally {
    await dark.close();
  }
});

test('every page viewed and every reveal is an access record in the store, and the store verifies', async () => {
  await served.viewer.accessLog.flush();
  const records = (await storedRecords(recorded.store)).filter((r) => r.connection === 'scribe-ui');
  const seen = records.map((r) => `${r.request.method} ${r.request.path}${r.request.query}`);
  for (const expected of ['GET /', 'GET /?subject=alice%40*&sort=last&order=desc', `GET /s/${recorded.aliceSession}`, `GET /api/sealed?session=${recorded.aliceSession}`, `GET /s/${recorded.aliceSession}/export.md`, `GET /x/${recorded.exchanges[0]}/replay`]) {
    assert.ok(seen.includes(expected), `no access record of ${expected} among ${seen.length}`);
  }
  assert.ok(!seen.some((s) => s.startsWith('GET /assets/')), 'static files are not access records');
  assert.equal(served.viewer.accessLog.instance, 'ui_test', 'ui-test, made safe for batch names');
  assert.ok(records.every((r) => r.chain.instance === 'ui_test' && r.outcome.status === 'complete' && r.identity === null));
  const sessions = new Set(records.map((r) => r.session.id));
  assert.equal(sessions.size, 1, 'one viewer, one viewer process: one session');
  const { page, problems } = await openPage();
  await page.goto(`${served.url}/s/${encodeURIComponent([...sessions][0]!)}`);
  const rows = await page.locator('table.access tbody tr').allTextContents();
  assert.ok(rows.some((row) => row.includes(`revealed sealed originals of session ${recorded.aliceSession}`)), rows.join('\n'));
  assert.ok(rows.some((row) => row.includes(`exported session ${recorded.aliceSession} as Markdown`)));
  await page.screenshot({ path: join(shots, 'viewer-access.png') });
  assert.deepEqual(problems, []);
  await page.close();
  const report = await verifyStore(await openSink(recorded.store));
  assert.deepEqual(report.problems, []);
  assert.equal(report.instances, 2, 'the gateway and the viewer each have their own chain');
});
