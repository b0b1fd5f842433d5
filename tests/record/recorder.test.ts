/** What createRecorder writes: one schema-valid record per exchange, tied to identity, every ending marked. */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { createFindingDigester } from '../../src/mask/digest.ts';
import { createRecorder } from '../../src/record/index.ts';
import type { Sealer } from '../../src/seal/sealer.ts';
import { RecordSet } from '../../src/replay/record-set.ts';
import { alice, chunkBytes, play, playStream, sseEvents, startOf } from './fixtures.ts';
import { configFor, storedRecords, storedText, tempDir } from './store-helpers.ts';

const body = { model: 'claude-sonnet-4-5', max_tokens: 100, stream: true, messages: [{ role: 'user', content: 'hi' }] };

test('a streamed exchange is recorded with identity, assembled message, timeline and usage', async () => {
  const root = await tempDir('rec');
  const config = configFor(root);
  const recorder = await createRecorder(config, { instanceId: 'gw1', log: () => {} });
  const start = startOf(body);
  playStream(recorder, start, [{ type: 'text', text: 'Hello there' }]);
  await recorder.close();

  const [record, ...rest] = await storedRecords(config.store);
  assert.equal(rest.length, 0);
  assert.ok(record);
  assert.equal(record.id, start.id);
  assert.deepEqual(record.identity, { issuer: alice.issuer, subject: 'alice', email: 'alice@example.com', groups: ['eng'], claims: alice.claims });
  assert.deepEqual(record.grant, { rule: 'engineers' });
  assert.equal(record.outcome.status, 'complete');
  assert.deepEqual(record.response?.message?.content, [{ type: 'text', text: 'Hello there' }]);
  assert.equal(record.response?.message?.stop_reason, 'end_turn');
  assert.equal(record.usage?.output_tokens, 42);
  assert.equal(record.response?.stream?.form, 'events');
  assert.deepEqual(record.chain, { instance: 'gw1', seq: 0, prev: null });
});

test('every ending is recorded and marked', async () => {
  const root = await tempDir('endings');
  const config = configFor(root);
  const recorder = await createRecorder(config, { log: () => {} });
  const sse = sseEvents([{ type: 'text', text: 'a long answer' }]);
  const cases = {
    complete: startOf(body),
    aborted: startOf(body),
    httpError: startOf(body),
    errorEvent: startOf(body),
    timeout: startOf(body),
    rejected: startOf(body, { identity: null }),
  };
  playStream(recorder, cases.complete, [{ type: 'text', text: 'ok' }]);
  play(recorder, cases.aborted, { status: 200, chunks: chunkBytes(sse.slice(0, 4).join(''), 40), outcome: 'client_aborted' });
  play(recorder, cases.httpError, {
    status: 529,
    contentType: 'application/json',
    chunks: chunkBytes('{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}', 1000),
    outcome: 'upstream_error',
  });
  const withError = [...sse.slice(0, 4), 'event: error\ndata: {"type":"error","error":{"type":"api_error","message":"boom"}}\n\n'];
  play(recorder, cases.errorEvent, { status: 200, chunks: chunkBytes(withError.join(''), 40) });
  play(recorder, cases.timeout, { status: 200, chunks: chunkBytes(sse.slice(0, 3).join(''), 40), outcome: 'timeout', detail: 'no data for 60s' });
  play(recorder, cases.rejected, { outcome: 'rejected', detail: '401 authentication_error' });
  await recorder.close();

  const records = new Map((await storedRecords(config.store)).map((r) => [r.id, r]));
  const outcome = (start: { id: string }) => records.get(start.id)?.outcome;
  assert.deepEqual(outcome(cases.complete), { status: 'complete' });
  assert.deepEqual(outcome(cases.aborted), { status: 'client_aborted' });
  assert.deepEqual(outcome(cases.httpError), { status: 'upstream_error' });
  assert.deepEqual(outcome(cases.errorEvent), { status: 'upstream_error', detail: 'api_error: boom' });
  assert.deepEqual(outcome(cases.timeout), { status: 'timeout', detail: 'no data for 60s' });
  assert.deepEqual(outcome(cases.rejected), { status: 'rejected', detail: '401 authentication_error' });
  assert.match(String(records.get(cases.aborted.id)?.response?.message?.content[0]?.text), /^a long/);
  assert.equal(records.get(cases.rejected.id)?.identity, null);
  assert.equal(records.get(cases.rejected.id)?.response, null);
  assert.equal(records.get(cases.httpError.id)?.response?.status, 529);
});

test('no caller token and no upstream key appears in any record', async () => {
  const root = await tempDir('secrets');
  const config = configFor(root);
  const recorder = await createRecorder(config, { log: () => {} });
  const callerToken = 'eyJhbGciOiJSUzI1NiJ9.caller-token-payload.signature';
  const upstreamKey = 'sk-ant-api03-upstream-key-never-recorded';
  const start = startOf(body, { headers: { authorization: `Bearer ${callerToken}`, 'x-api-key': upstreamKey, cookie: 'session=1' } });
  const rejected = startOf(body, { identity: null, headers: { 'x-api-key': callerToken } });
  playStream(recorder, start, [{ type: 'text', text: 'ok' }]);
  play(recorder, rejected, { outcome: 'rejected' });
  await recorder.close();

  const text = await storedText(config.store);
  assert.ok(text.includes(start.id));
  assert.ok(!text.includes(callerToken));
  assert.ok(!text.includes(upstreamKey));
  assert.ok(!text.includes('session=1'));
  for (const record of await storedRecords(config.store)) assert.ok(record.id === rejected.id || record.identity?.subject === 'alice');
});

test('redacted originals are sealed, digested with the deployment key, and never stored in plain text', async () => {
  const root = await tempDir('findings');
  const config = configFor(root);
  const sealed: string[] = [];
  const sealer: Sealer = {
    keyId: 'audit-2026',
    async seal(plaintext) {
      sealed.push(plaintext);
      return 'eyJhbGciOiJFQ0RILUVTIn0..aXY.Y2lwaGVy.dGFn';
    },
  };
  const digestKey = 'k'.repeat(16) + 'deployment-digest-key';
  const digester = await createFindingDigester(new TextEncoder().encode(digestKey));
  const recorder = await createRecorder(config, { sealer, digester, log: () => {} });
  const secret = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789';
  playStream(recorder, startOf(body), [{ type: 'text', text: 'token: [REDACTED:github-pat]' }], {
    during: (exchange) => exchange.finding({ rule: 'github-pat', where: 'response', block: 0, start: 7, end: 28, original: secret }),
  });
  await recorder.close();

  const [record] = await storedRecords(config.store);
  assert.deepEqual(record?.findings, [{
    rule: 'github-pat', where: 'response', block: 0, start: 7, end: 28,
    hmac: createHmac('sha256', digestKey).update(secret).digest('hex'), dk: digester.keyId,
    sealed: 'eyJhbGciOiJFQ0RILUVTIn0..aXY.Y2lwaGVy.dGFn', kid: 'audit-2026',
  }]);
  assert.deepEqual(sealed, [secret]);
  assert.ok(!(await storedText(config.store)).includes(secret));
});

test('without a seal key or digest key a finding keeps neither the original nor a digest of it', async () => {
  const root = await tempDir('findings-nokey');
  const config = configFor(root);
  const recorder = await createRecorder(config, { log: () => {} });
  const secret = 'AKIAIOSFODNN7EXAMPLE';
  playStream(recorder, startOf(body), [{ type: 'text', text: 'key [REDACTED]' }], {
    during: (exchange) => exchange.finding({ rule: 'aws-key', where: 'response', block: 0, start: 4, end: 14, original: secret }),
  });
  await recorder.close();
  const [record] = await storedRecords(config.store);
  const finding = record?.findings[0];
  assert.equal(finding?.rule, 'aws-key');
  assert.equal(finding?.sealed, undefined);
  assert.equal(finding?.sha256, undefined);
  assert.equal(finding?.hmac, undefined);
  assert.ok(!(await storedText(config.store)).includes(secret));
});

test('a request body that is not compact JSON is stored verbatim and rebuilt byte for byte', async () => {
  const root = await tempDir('verbatim');
  const config = configFor(root);
  const recorder = await createRecorder(config, { log: () => {} });
  const pretty = startOf(JSON.stringify(body, null, 2));
  const binary = startOf('');
  binary.request.body = new Uint8Array([0xff, 0xfe, 0x00, 0x41]);
  playStream(recorder, pretty, [{ type: 'text', text: 'ok' }]);
  play(recorder, binary, { status: 400, contentType: 'application/json', chunks: chunkBytes('{"type":"error"}', 100) });
  await recorder.close();
  const set = new RecordSet(await storedRecords(config.store));
  assert.deepEqual(await set.requestBody(pretty.id), pretty.request.body);
  assert.deepEqual(await set.requestBody(binary.id), binary.request.body);
  assert.equal(set.get(pretty.id)?.request.body.form, 'text');
  assert.equal(set.get(binary.id)?.request.body.form, 'base64');
});

test('the hot-path methods only keep references: the record is built later, off the stream', async () => {
  const root = await tempDir('hot');
  const config = configFor(root);
  const recorder = await createRecorder(config, { log: () => {} });
  const start = startOf(body);
  const exchange = recorder.begin(start);
  exchange.response(200, new Headers({ 'content-type': 'text/event-stream' }));
  const chunk = new TextEncoder().encode(sseEvents([{ type: 'text', text: 'kept by reference' }]).join(''));
  exchange.chunk(chunk);
  exchange.end('complete');
  assert.equal(recorder.stats().recorded, 0, 'nothing is built during end()');
  await recorder.close();
  const [record] = await storedRecords(config.store);
  assert.deepEqual(record?.response?.message?.content, [{ type: 'text', text: 'kept by reference' }]);
});

test('with the gateway sealer, an auditor holding the private key opens the sealed original', async () => {
  const { createSealer, openSealed } = await import('../../src/seal/index.ts');
  const { exportJWK, generateKeyPair } = await import('jose');
  const { publicKey, privateKey } = await generateKeyPair('ECDH-ES+A256KW', { crv: 'P-256', extractable: true });
  const root = await tempDir('sealed');
  const config = configFor(root);
  const recorder = await createRecorder(config, { sealer: await createSealer(await exportJWK(publicKey)), log: () => {} });
  const secret = 'sk-live-0123456789abcdefghijklmnop';
  playStream(recorder, startOf(body), [{ type: 'text', text: 'key: [REDACTED]' }], {
    during: (exchange) => exchange.finding({ rule: 'generic-key', where: 'response', block: 0, start: 5, end: 15, original: secret }),
  });
  await recorder.close();
  const [record] = await storedRecords(config.store);
  const sealed = record?.findings[0]?.sealed;
  assert.ok(sealed);
  assert.equal(await openSealed(await exportJWK(privateKey), sealed), secret);
  assert.ok(!(await storedText(config.store)).includes(secret));
});

test('ended exchanges still waiting to be built count against the spool bound', async () => {
  const root = await tempDir('build-queue');
  const recorder = await createRecorder(configFor(root, { whenFull: 'closed', spoolMaxBytes: 20_000 }), { log: () => {} });
  try {
    const body = { model: 'claude-sonnet-5-5', max_tokens: 8, messages: [{ role: 'user', content: 'x' }] };
    for (let i = 0; i < 6; i++) {
      const exchange = recorder.begin(startOf(body));
      exchange.response(200, new Headers({ 'content-type': 'text/event-stream' }));
      exchange.chunk(new TextEncoder().encode(`event: ping\ndata: {"type":"ping","pad":"${'x'.repeat(4000)}"}\n\n`));
      exchange.end('complete');
    }
    assert.equal(recorder.accepting(), false, 'six 4 KB exchanges queued in memory exceed a 20 KB bound');
    await recorder.flush();
    for (let i = 0; i < 200 && !recorder.accepting(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(recorder.accepting(), true, 'once built and stored they no longer count');
  } finally {
    await recorder.close();
  }
});
