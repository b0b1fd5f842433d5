/** The verified-token cache answers until a token's expiry, and stays within its capacity. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VerifiedTokenCache } from '../../src/identity/verified-token-cache.ts';
import type { VerifiedToken } from '../../src/identity/issuer-verifier.ts';

const verified = (subject: string, expiresAtMs: number): VerifiedToken => ({
  identity: { issuer: 'https://idp', subject, groups: [], claims: {} },
  expiresAtMs,
});

test('answers until the token expires, then forgets it', () => {
  let now = 1_000;
  const cache = new VerifiedTokenCache(10, { now: () => now });
  cache.set('t', verified('a', 2_000));
  assert.equal(cache.get('t')?.identity.subject, 'a');
  now = 2_000;
  assert.equal(cache.get('t'), undefined);
  assert.equal(cache.size, 0);
});

test('an entry lives at most maxLifetimeMs, however late the token expires', () => {
  let now = 0;
  const cache = new VerifiedTokenCache(10, { now: () => now, maxLifetimeMs: 60_000 });
  cache.set('t', verified('a', 86_400_000));
  now = 59_999;
  assert.ok(cache.get('t'));
  now = 60_000;
  assert.equal(cache.get('t'), undefined);
});

test('when full, the oldest entry makes room', () => {
  const cache = new VerifiedTokenCache(2, { now: () => 0 });
  cache.set('first', verified('1', 10_000));
  cache.set('second', verified('2', 10_000));
  cache.set('third', verified('3', 10_000));
  assert.equal(cache.size, 2);
  assert.equal(cache.get('first'), undefined);
  assert.ok(cache.get('second'));
  assert.ok(cache.get('third'));
});

test('capacity 0 turns caching off', () => {
  const cache = new VerifiedTokenCache(0, { now: () => 0 });
  cache.set('t', verified('a', 10_000));
  assert.equal(cache.get('t'), undefined);
});
