/**
 * Signing in to a viewer that trusts an identity provider directly, in a real browser: the
 * refusal page links to the sign-in form, a pasted ID token opens the pages through a cookie
 * the page's scripts cannot read, and signing out drops it. Screenshots go to
 * $SCRIBE_UI_SCREENSHOTS (a temporary directory otherwise).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { PolicyRule } from '../../src/policy/index.ts';
import { startOidcIssuer, type OidcIssuer } from '../support/oidc-issuer.ts';
import { launchChromium, screenshotDir, type Chromium } from './browser.ts';
import { recordStore, type RecordedStore } from './recorded-store.ts';
import { serveViewer, type ServedViewer } from './serve-viewer.ts';

const auditors: PolicyRule = { name: 'auditors', match: { groups: 'auditors' }, connections: [], models: [], audit: true };

let recorded: RecordedStore;
let issuer: OidcIssuer;
let served: ServedViewer;
let chromium: Chromium;
let shots: string;

before(async () => {
  recorded = await recordStore();
  issuer = await startOidcIssuer({ audience: 'scribe-ui' });
  served = await serveViewer({ store: recorded.store, root: recorded.root, instanceId: 'ui-sign-in', identity: { issuers: [{ issuer: issuer.issuer, audience: 'scribe-ui' }] }, policyRules: [auditors] });
  chromium = await launchChromium();
  shots = await screenshotDir();
});
after(async () => {
  await chromium?.close();
  await served?.close();
  await issuer?.close();
  await recorded?.remove();
});

test('an auditor signs in with a pasted ID token, browses, and signs out', async () => {
  const page = await chromium.browser.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  await page.goto(`${served.url}/`);
  assert.equal(await page.locator('h1').textContent(), 'Sign-in needed');
  await page.click('text=Sign in with an ID token');
  await page.waitForURL(`${served.url}/sign-in`);
  const token = await issuer.sign({ sub: 'ivy', email: 'ivy@example.com', groups: ['auditors'] });
  await page.fill('textarea[name=token]', token);
  await page.screenshot({ path: join(shots, 'sign-in.png') });
  await page.click('button[type=submit]');
  await page.waitForURL(`${served.url}/`);
  assert.equal(await page.locator('header.bar .who').textContent(), 'ivy@example.com');
  const whos = await page.locator('td[data-label="Who"]').allTextContents();
  assert.ok(whos.some((who) => who.includes('alice@example.com')));
  assert.ok(whos.some((who) => who.includes('refused callers without credentials')), 'the refused visit before signing in is listed as such');
  assert.equal(await page.evaluate(() => document.cookie), '', 'the token is not readable by the page');
  await page.screenshot({ path: join(shots, 'signed-in.png') });
  await page.click('text=Sign out');
  assert.equal(await page.locator('h1').textContent(), 'Signed out');
  await page.goto(`${served.url}/`);
  assert.equal(await page.locator('h1').textContent(), 'Sign-in needed', 'signed out means signed out');
  assert.deepEqual(problems, []);
});
