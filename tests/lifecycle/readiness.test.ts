/** /readyz: ready only with the upstream credential, the issuers' keys and room to record. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAuthenticator, identityConfigSchema } from '../../src/identity/index.ts';
import { readiness } from '../../src/lifecycle/readiness.ts';
import { noRecorder } from '../../src/record/recorder.ts';
import { GatewayMetrics } from '../../src/metrics/gateway-metrics.ts';
import { anthropicConnection } from '../../src/upstream/anthropic.ts';
import { startCoreHarness } from '../support/core-gateway.ts';
import { startOidcIssuer } from '../support/oidc-issuer.ts';

test('a gateway with its credential, issuer keys and recording is ready; /healthz stays liveness only', async () => {
  const h = await startCoreHarness();
  try {
    const ready = await fetch(`${h.url}/readyz`);
    assert.equal(ready.status, 200);
    assert.deepEqual(await ready.json(), { status: 'ready', upstream: 'ok', issuers: 'ok', recording: 'ok' });
  } finally {
    await h.close();
  }
});

test('without the upstream credential the gateway is alive but not ready, and says why', async () => {
  const h = await startCoreHarness({ apiKey: null });
  try {
    const ready = await fetch(`${h.url}/readyz`);
    assert.equal(ready.status, 503);
    const body = await ready.json();
    assert.equal(body.status, 'not ready');
    assert.equal(body.upstream, 'no upstream credential for connection "default"');
    assert.equal((await fetch(`${h.url}/healthz`)).status, 200);
  } finally {
    await h.close();
  }
});

test('until an issuer\'s keys are fetched the gateway is not ready; probes retry the issuer', async () => {
  const issuer = await startOidcIssuer();
  issuer.setMode('down');
  const metrics = new GatewayMetrics();
  try {
    const config = identityConfigSchema.parse({ issuers: [{ issuer: issuer.issuer, audience: issuer.audience, allowInsecureHttp: true }], jwks: { refetchCooldownSeconds: 0 } });
    const { authenticator } = await createAuthenticator(config, { dataDir: await mkdtemp(join(tmpdir(), 'scribe-ready-')), onKeyRefresh: (name, ok) => metrics.keyRefresh(name, ok) });
    const sources = { connections: new Map([['default', anthropicConnection('default', 'http://127.0.0.1:9', 'sk-test')]]), authenticator, recorder: noRecorder, spoolMaxBytes: undefined };
    const down = readiness(sources);
    assert.equal(down.ready, false);
    assert.equal(down.checks.issuers, `no signing keys yet for ${issuer.issuer}`);
    issuer.setMode('ok');
    const deadline = Date.now() + 5000;
    while (!readiness(sources).ready && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(readiness(sources).ready, true);
    const text = await metrics.registry.metrics();
    assert.match(text, new RegExp(`scribe_issuer_key_refreshes_total\\{issuer="${issuer.issuer}",result="failed"\\} [1-9]`));
    assert.match(text, new RegExp(`scribe_issuer_key_refreshes_total\\{issuer="${issuer.issuer}",result="ok"\\} 1`));
  } finally {
    await issuer.close();
  }
});

test('a full spool makes the gateway not ready, so the balancer sends calls to replicas that can record', () => {
  const recorder = { ...noRecorder, stats: () => ({ pendingBytes: 2048 }) };
  const sources = { connections: new Map(), authenticator: { authenticate: () => Promise.reject(new Error('unused')) }, recorder, spoolMaxBytes: 1024 };
  const state = readiness(sources);
  assert.equal(state.ready, false);
  assert.equal(state.checks.recording, 'spool full (2048 bytes waiting for the store)');
  assert.equal(readiness({ ...sources, spoolMaxBytes: 4096 }).ready, true);
});
