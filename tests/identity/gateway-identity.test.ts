/**
 * Identity and policy through the whole gateway, over real HTTP: the official SDK with tokens
 * from a real test OIDC issuer, a GitHub-Actions-shaped token, and every attack refused before
 * the upstream is called.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { githubActionsClaims, startOidcIssuer, type OidcIssuer } from '../support/oidc-issuer.ts';
import { startCoreHarness, type CoreHarness } from '../support/core-gateway.ts';
import { identityConfigSchema } from '../../src/identity/config.ts';
import { createAuthenticator } from '../../src/identity/index.ts';
import { createPolicy, policyConfigSchema } from '../../src/policy/index.ts';

let idp: OidcIssuer;
let untrusted: OidcIssuer;
let h: CoreHarness;

const rules = [
  { name: 'ci-widgets', match: { repository: 'acme/widgets', ref: 'refs/heads/main' }, models: ['claude-haiku-*'], maxTokens: 1024 },
  { name: 'staff', match: { email: '*@example.com' }, models: ['claude-sonnet-*'], requestsPerMinute: 5 },
];

before(async () => {
  [idp, untrusted] = await Promise.all([startOidcIssuer(), startOidcIssuer()]);
  const identity = identityConfigSchema.parse({
    issuers: [{ issuer: idp.issuer, audience: idp.audience }],
    jwks: { refetchCooldownSeconds: 0, timeoutMs: 500 },
  });
  const { authenticator } = await createAuthenticator(identity, { dataDir: '/nonexistent' });
  const policy = createPolicy(policyConfigSchema.parse({ rules }));
  h = await startCoreHarness({ parts: { authenticator, policy } });
});
after(async () => {
  await h.close();
  await Promise.all([idp.close(), untrusted.close()]);
});

const staffToken = (sub = 'ada') => idp.sign({ sub, email: `${sub}@example.com` });
const request = { model: 'claude-sonnet-4-5', max_tokens: 64, messages: [{ role: 'user' as const, content: 'hi' }] };

describe('callers with valid tokens reach Claude', () => {
  test('the SDK with the token as its API key (x-api-key), streaming', async () => {
    const calls = h.upstream.calls.length;
    const token = await staffToken('ada');
    const client = new Anthropic({ baseURL: h.url, apiKey: token, maxRetries: 0 });
    const message = await client.messages.stream(request).finalMessage();
    assert.equal(message.role, 'assistant');
    assert.equal(h.upstream.calls.length, calls + 1);
    // The caller's token stays at the gateway; the upstream sees only the gateway's key.
    const forwarded = h.upstream.calls.at(-1)!;
    assert.equal(forwarded.headers['x-api-key'], h.upstream.apiKey);
    assert.ok(!JSON.stringify(forwarded.headers).includes(token));
  });

  test('the SDK with the token as auth token (Authorization: Bearer)', async () => {
    const client = new Anthropic({ baseURL: h.url, apiKey: null, authToken: await staffToken('grace'), maxRetries: 0 });
    const message = await client.messages.create(request);
    assert.equal(message.role, 'assistant');
  });

  test('a GitHub-Actions-shaped token, within its rule', async () => {
    const token = await idp.sign(githubActionsClaims({ repository: 'acme/widgets' }), { alg: 'ES256' });
    const client = new Anthropic({ baseURL: h.url, apiKey: token, maxRetries: 0 });
    const message = await client.messages.create({ ...request, model: 'claude-haiku-4-5', max_tokens: 1024 });
    assert.equal(message.role, 'assistant');
  });
});

async function rawCall(headers: Record<string, string>, body: unknown = request): Promise<Response> {
  return fetch(`${h.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', ...headers },
    body: JSON.stringify(body),
  });
}

async function assertRefusedBeforeUpstream(
  response: Response,
  status: number,
  type: string,
  secret?: string,
): Promise<{ message: string }> {
  const text = await response.text();
  assert.equal(response.status, status, text);
  const body = JSON.parse(text) as { type: string; error: { type: string; message: string } };
  assert.equal(body.type, 'error');
  assert.equal(body.error.type, type);
  if (secret !== undefined && secret.length > 0) {
    for (const part of [secret, ...secret.split('.').filter((s) => s.length >= 8)]) assert.ok(!text.includes(part), 'the token is echoed');
  }
  return body.error;
}

describe('attacks are 401 and the upstream records no call', () => {
  const now = () => Math.floor(Date.now() / 1000);
  const attacks: Array<[string, () => Promise<Record<string, string>>]> = [
    ['alg none', async () => ({ authorization: `Bearer ${idp.unsigned({ email: 'ada@example.com' })}` })],
    ['HS256 signed with the RSA public key', async () => ({ authorization: `Bearer ${await idp.hmacWithPublicKey({ email: 'ada@example.com' })}` })],
    ['expired', async () => ({ authorization: `Bearer ${await idp.sign({ email: 'ada@example.com', exp: now() - 3600 })}` })],
    ['nbf in the future', async () => ({ authorization: `Bearer ${await idp.sign({ email: 'ada@example.com', nbf: now() + 3600 })}` })],
    ['wrong issuer', async () => ({ authorization: `Bearer ${await idp.sign({ email: 'ada@example.com', iss: 'https://evil.example.com' })}` })],
    ['wrong audience', async () => ({ authorization: `Bearer ${await idp.sign({ email: 'ada@example.com', aud: 'elsewhere' })}` })],
    ['unknown kid', async () => ({ authorization: `Bearer ${await idp.sign({ email: 'ada@example.com' }, { kid: 'nope', key: 'stranger' })}` })],
    ['valid kid, another key', async () => ({ 'x-api-key': await idp.sign({ email: 'ada@example.com' }, { key: 'stranger' }) })],
    ['truncated', async () => ({ authorization: `Bearer ${(await staffToken()).slice(0, -20)}` })],
    ['garbage base64', async () => ({ authorization: 'Bearer eyJ!!.@@.##' })],
    ['a 12 KB token over a 16 KB header budget', async () => ({ authorization: `Bearer ${'e'.repeat(12 * 1024)}.e.e` })],
    ['empty bearer', async () => ({ authorization: 'Bearer ' })],
    ['wrong scheme', async () => ({ authorization: `Basic ${Buffer.from('ada:secret').toString('base64')}` })],
    ['untrusted issuer', async () => ({ authorization: `Bearer ${await untrusted.sign({ email: 'ada@example.com', aud: idp.audience })}` })],
    ['no credentials', async () => ({})],
  ];
  for (const [name, headersOf] of attacks) {
    test(name, async () => {
      const headers = await headersOf();
      const calls = h.upstream.calls.length;
      const token = headers.authorization?.replace(/^\S+\s*/, '') ?? headers['x-api-key'];
      await assertRefusedBeforeUpstream(await rawCall(headers), 401, 'authentication_error', token);
      assert.equal(h.upstream.calls.length, calls);
    });
  }

  test('a 20 KB token never reaches the upstream', async () => {
    const calls = h.upstream.calls.length;
    const response = await rawCall({ authorization: `Bearer ${await idp.sign({ padding: 'x'.repeat(20 * 1024) })}` });
    await response.body?.cancel();
    assert.ok(response.status === 401 || response.status === 431, `status ${response.status}`);
    assert.equal(h.upstream.calls.length, calls);
  });

  // The Node server allows 64 KiB of headers, so the gateway itself refuses an oversized token.
  test('a 20 KB token is a 401 authentication_error in the Anthropic shape', async () => {
    const token = await idp.sign({ padding: 'x'.repeat(20 * 1024) });
    await assertRefusedBeforeUpstream(await rawCall({ authorization: `Bearer ${token}` }), 401, 'authentication_error', token);
  });

  test('the SDK surfaces a refusal as AuthenticationError with the actionable message', async () => {
    const client = new Anthropic({ baseURL: h.url, apiKey: await idp.sign({ aud: 'elsewhere' }), maxRetries: 0 });
    await assert.rejects(client.messages.create(request), (error: unknown) => {
      assert.ok(error instanceof Anthropic.AuthenticationError);
      assert.match(error.message, /request a token for audience .*scribe-test/);
      return true;
    });
  });
});

describe('policy through the gateway', () => {
  test('a model no rule grants is 403 permission_error naming the missing grant; no upstream call', async () => {
    const calls = h.upstream.calls.length;
    const response = await rawCall({ 'x-api-key': await staffToken('ada') }, { ...request, model: 'claude-opus-4-1' });
    const error = await assertRefusedBeforeUpstream(response, 403, 'permission_error');
    assert.match(error.message, /model "claude-opus-4-1"/);
    assert.ok(!error.message.includes('ada@example.com'));
    assert.equal(h.upstream.calls.length, calls);
  });

  test('max_tokens above the rule cap is refused; no upstream call', async () => {
    const calls = h.upstream.calls.length;
    const token = await idp.sign(githubActionsClaims({ repository: 'acme/widgets' }));
    const response = await rawCall({ 'x-api-key': token }, { ...request, model: 'claude-haiku-4-5', max_tokens: 4096 });
    await assertRefusedBeforeUpstream(response, 403, 'permission_error');
    assert.equal(h.upstream.calls.length, calls);
  });

  test('past the rate limit: 429 rate_limit_error with retry-after; no upstream call', async () => {
    const token = await staffToken('linus');
    for (let i = 0; i < 5; i++) assert.equal((await rawCall({ 'x-api-key': token })).status, 200);
    const calls = h.upstream.calls.length;
    const response = await rawCall({ 'x-api-key': token });
    assert.ok(Number(response.headers.get('retry-after')) >= 1);
    await assertRefusedBeforeUpstream(response, 429, 'rate_limit_error');
    assert.equal(h.upstream.calls.length, calls);
  });
});

describe('fail closed', () => {
  test('with the issuer unreachable and no keys, calls are 503 and the upstream is not called', async () => {
    const down = await startOidcIssuer();
    down.setMode('down');
    const identity = identityConfigSchema.parse({ issuers: [{ issuer: down.issuer, audience: down.audience }], jwks: { timeoutMs: 500 } });
    const { authenticator } = await createAuthenticator(identity, { dataDir: '/nonexistent' });
    const harness = await startCoreHarness({ parts: { authenticator } });
    try {
      const response = await fetch(`${harness.url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': await down.sign() },
        body: JSON.stringify(request),
      });
      assert.equal(response.status, 503);
      assert.equal(((await response.json()) as { error: { type: string } }).error.type, 'api_error');
      assert.equal(harness.upstream.calls.length, 0);
    } finally {
      await harness.close();
      await down.close();
    }
  });
});
