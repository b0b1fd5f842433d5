/**
 * Who may use the viewer once an identity provider is configured: without a token 401, with a
 * token the policy does not grant `audit` 403, granted 200; Google IAP's signed header works
 * the same way. Each granted view, and each refusal, becomes an access record in the store, with
 * the viewer's identity (when verified) and no token, on its own writer chain, and the store
 * still verifies.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openSink } from '../../src/store/sink.ts';
import { verifyStore } from '../../src/store/verify.ts';
import type { PolicyRule } from '../../src/policy/index.ts';
import { IAP_HEADER, IAP_ISSUER } from '../../src/ui/access.ts';
import { startOidcIssuer, type OidcIssuer } from '../support/oidc-issuer.ts';
import { storedRecords, storedText } from '../record/store-helpers.ts';
import { recordStore, type RecordedStore } from './recorded-store.ts';
import { serveViewer, type ServedViewer } from './serve-viewer.ts';

const auditors: PolicyRule = { name: 'auditors', match: { groups: 'auditors' }, connections: [], models: [], audit: true };
const callers: PolicyRule = { name: 'everyone', match: {}, connections: ['default'], models: ['*'] };
const IAP_AUDIENCE = '/projects/123456/locations/europe-west1/services/scribe-ui';

let recorded: RecordedStore;
let issuer: OidcIssuer;
let viewer: ServedViewer;

before(async () => {
  recorded = await recordStore();
  issuer = await startOidcIssuer({ audience: 'scribe-ui' });
  viewer = await serveViewer({
    store: recorded.store,
    root: recorded.root,
    instanceId: 'ui-access',
    identity: { issuers: [{ issuer: issuer.issuer, audience: 'scribe-ui' }] },
    policyRules: [callers, auditors],
    iap: { audience: IAP_AUDIENCE, jwksUri: issuer.jwksUri },
  });
});
after(async () => {
  await viewer?.close();
  await issuer?.close();
  await recorded?.remove();
});

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${viewer.url}${path}`, { headers });

test('without a token the viewer answers 401 with an Anthropic-shaped error, and a page for browsers', async () => {
  const response = await get('/');
  assert.equal(response.status, 401);
  assert.equal(response.headers.get('www-authenticate'), 'Bearer');
  const body = (await response.json()) as { type: string; error: { type: string; message: string } };
  assert.equal(body.type, 'error');
  assert.equal(body.error.type, 'authentication_error');
  assert.match(body.error.message, /No credentials/);
  const page = await get(`/s/${recorded.aliceSession}`, { accept: 'text/html' });
  assert.equal(page.status, 401);
  const refusedPage = await page.text();
  assert.match(refusedPage, /<h1>Sign-in needed<\/h1>/);
  assert.match(refusedPage, /<a href="\/sign-in">Sign in with an ID token<\/a>/);
  assert.equal((await get('/assets/viewer.js')).status, 401, 'even static files need a verified identity');
  assert.equal((await get('/assets/viewer.css')).status, 200, 'but the stylesheet, for the sign-in page');
});

test('a verified identity that no rule grants audit gets 403', async () => {
  const token = await issuer.sign({ sub: 'carol', email: 'carol@example.com', groups: ['engineering'] });
  const response = await get('/', { authorization: `Bearer ${token}` });
  assert.equal(response.status, 403);
  const body = (await response.json()) as { error: { type: string; message: string } };
  assert.equal(body.error.type, 'permission_error');
  assert.match(body.error.message, /audit: true/);
  const forged = await issuer.sign({ sub: 'mallory', groups: ['auditors'] }, { key: 'stranger' });
  assert.equal((await get('/', { authorization: `Bearer ${forged}` })).status, 401, 'a token signed by another key is not an identity');
});

test('an identity granted audit gets the pages, by bearer token or by the IAP header', async () => {
  const token = await issuer.sign({ sub: 'dana', email: 'dana@example.com', groups: ['auditors'] });
  const sessions = await get('/', { authorization: `Bearer ${token}` });
  assert.equal(sessions.status, 200);
  const html = await sessions.text();
  assert.match(html, /<span class="who"[^>]*>dana@example\.com<\/span>/);
  assert.match(html, /alice@example\.com/);
  const session = await get(`/s/${recorded.aliceSession}`, { authorization: `Bearer ${token}` });
  assert.equal(session.status, 200);
  assert.match(session.headers.get('content-security-policy') ?? '', /default-src 'none'; script-src 'self'/);

  const iap = await issuer.sign({ iss: IAP_ISSUER, aud: IAP_AUDIENCE, sub: 'accounts.google.com:42', email: 'erin@example.com', groups: ['auditors'] }, { alg: 'ES256' });
  const viaIap = await get(`/x/${recorded.exchanges[0]}`, { [IAP_HEADER]: iap });
  assert.equal(viaIap.status, 200);
  assert.match(await viaIap.text(), /erin@example\.com/);
  const otherAudience = await issuer.sign({ iss: IAP_ISSUER, aud: '/projects/1/global/backendServices/2', email: 'erin@example.com', groups: ['auditors'] }, { alg: 'ES256' });
  assert.equal((await get('/', { [IAP_HEADER]: otherAudience })).status, 401, 'an IAP assertion for another service is refused');
});

test('a browser signs in with an ID token once: an HttpOnly, SameSite=Strict cookie then opens the pages, until it signs out', async () => {
  const form = (token: string) => fetch(`${viewer.url}/sign-in`, { method: 'POST', body: new URLSearchParams({ token }), redirect: 'manual' });
  assert.equal((await get('/sign-in')).status, 200, 'the sign-in page needs no identity');
  const token = await issuer.sign({ sub: 'gina', email: 'gina@example.com', groups: ['auditors'] });
  const signedIn = await form(token);
  assert.equal(signedIn.status, 303);
  assert.equal(signedIn.headers.get('location'), '/');
  const cookie = signedIn.headers.get('set-cookie') ?? '';
  assert.match(cookie, /^scribe_ui_token=[^;]+;/);
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Strict/);
  assert.match(cookie, /Max-Age=\d+/);
  const pair = cookie.split(';')[0]!;
  const sessions = await get('/', { cookie: pair, accept: 'text/html' });
  assert.equal(sessions.status, 200);
  const html = await sessions.text();
  assert.match(html, /gina@example\.com/);
  assert.match(html, /<form method="post" action="\/sign-out" class="sign-out">/, 'a signed-in browser can sign out');

  const ungranted = await form(await issuer.sign({ sub: 'henry', groups: ['engineering'] }));
  assert.equal(ungranted.status, 403, 'a token without the grant sets no cookie');
  assert.equal(ungranted.headers.get('set-cookie'), null);
  const forged = await form(await issuer.sign({ sub: 'mallory', groups: ['auditors'] }, { key: 'stranger' }));
  assert.equal(forged.status, 401);
  assert.equal((await get('/', { cookie: `scribe_ui_token=${await issuer.sign({ sub: 'mallory', groups: ['auditors'] }, { key: 'stranger' })}` })).status, 401, 'a forged cookie is no identity');
  assert.equal((await form('not a token at all')).status, 400);

  const signedOut = await fetch(`${viewer.url}/sign-out`, { method: 'POST', headers: { cookie: pair } });
  assert.match(signedOut.headers.get('set-cookie') ?? '', /scribe_ui_token=;.*Max-Age=0/);
});

test('granted views and refusals are access records with the viewer identity and no token, and the store verifies', async () => {
  const token = await issuer.sign({ sub: 'frank', email: 'frank@example.com', groups: ['auditors'] });
  assert.equal((await get(`/api/sealed?session=${recorded.aliceSession}`, { authorization: `Bearer ${token}` })).status, 200);
  await viewer.viewer.accessLog.flush();
  const access = (await storedRecords(recorded.store)).filter((r) => r.connection === 'scribe-ui');
  const reveal = access.find((r) => r.identity?.subject === 'frank');
  assert.ok(reveal, 'the reveal was recorded');
  assert.equal(reveal.request.path, '/api/sealed');
  assert.equal(reveal.request.query, `?session=${recorded.aliceSession}`);
  assert.equal(reveal.identity?.email, 'frank@example.com');
  assert.deepEqual(reveal.grant, { rule: 'auditors' });
  assert.equal(reveal.response?.status, 200);
  const granted = access.filter((r) => r.response?.status === 200);
  assert.deepEqual(granted.map((r) => r.identity?.email).sort(), ['dana@example.com', 'dana@example.com', 'erin@example.com', 'frank@example.com', 'gina@example.com']);
  // Refusals are recorded as attempts: the refused identity with its 403 and no grant, and
  // callers without a verified identity with their 401.
  const carol = access.filter((r) => r.identity?.subject === 'carol');
  assert.deepEqual(carol.map((r) => [r.response?.status, r.grant ?? null]), [[403, null]]);
  const anonymous = access.filter((r) => !r.identity);
  assert.deepEqual(anonymous.map((r) => r.response?.status), [401, 401, 401, 401, 401, 401, 401]);
  assert.ok(anonymous.some((r) => r.request.path === `/s/${recorded.aliceSession}`));
  const text = await storedText(recorded.store);
  assert.ok(!text.includes(token.split('.')[2]!), 'no token in the store');
  const report = await verifyStore(await openSink(recorded.store));
  assert.deepEqual(report.problems, []);
});

// Last: the server answers before reading the body and drops that connection.
test('a sign-in form far larger than a token is refused before it is read', async () => {
  const response = await fetch(`${viewer.url}/sign-in`, { method: 'POST', body: new URLSearchParams({ token: 'x'.repeat(1024 * 1024) }), redirect: 'manual' });
  assert.equal(response.status, 413);
  assert.equal(response.headers.get('set-cookie'), null);
});
