import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forwardableResponseHeaders, requestHeaderViews, requestHeaderViewsOfLines } from '../../src/http/headers.ts';

/** The forwarded header names, from Web Headers and from the same header lines as a server received them. */
function forwardedNames(headers: Record<string, string>): string[] {
  const fromHeaders: string[] = [];
  requestHeaderViews(new Headers(headers)).forwardable.forEach((_, name) => fromHeaders.push(name));
  const fromLines: string[] = [];
  requestHeaderViewsOfLines(Object.entries(headers).flat()).forwardable.forEach((_, name) => fromLines.push(name));
  assert.deepEqual(fromLines.sort(), fromHeaders.sort());
  return fromHeaders;
}

test('credentials, cookies, hop-by-hop and proxy headers are never forwarded', () => {
  const names = forwardedNames({
    authorization: 'Bearer t', 'x-api-key': 'k', cookie: 'c', host: 'h', connection: 'keep-alive', 'transfer-encoding': 'chunked',
    'x-auth-token': 't', 'x-goog-api-key': 'g', 'x-amz-security-token': 's', 'x-forwarded-for': '1.2.3.4', 'x-scribe-debug': '1',
    'accept-encoding': 'gzip', 'proxy-authorization': 'p', 'x-client-secret': 's', 'x-my-password': 'p',
  });
  assert.deepEqual(names, []);
});

test('what the Messages API and Claude Code use is forwarded', () => {
  const names = forwardedNames({
    'anthropic-version': '2023-06-01', 'anthropic-beta': 'a,b', 'content-type': 'application/json', accept: 'text/event-stream',
    'user-agent': 'claude-cli/2', 'x-claude-code-session-id': 's', 'x-stainless-retry-count': '0', 'x-app': 'cli',
  });
  assert.deepEqual(names.sort(), ['accept', 'anthropic-beta', 'anthropic-version', 'content-type', 'user-agent', 'x-app', 'x-claude-code-session-id', 'x-stainless-retry-count']);
});

test('responses keep the useful headers and drop cookies and framing', () => {
  const out = forwardableResponseHeaders(new Headers({
    'content-type': 'text/event-stream', 'request-id': 'r', 'anthropic-ratelimit-tokens-remaining': '5', 'retry-after': '1',
    'set-cookie': 'x=1', 'content-length': '10', 'content-encoding': 'gzip', 'x-envoy-upstream-service-time': '3',
  }));
  assert.deepEqual([...out.keys()].sort(), ['anthropic-ratelimit-tokens-remaining', 'content-type', 'request-id', 'retry-after']);
});

test('header lines as a server received them: names in any case, a name sent twice kept as one joined value', () => {
  const views = requestHeaderViewsOfLines([
    'Host', 'gateway', 'Authorization', 'Bearer t', 'Anthropic-Beta', 'a', 'X-Api-Key', 'k', 'anthropic-beta', 'b', 'Content-Type', 'application/json',
  ]);
  assert.deepEqual(views.forwardable.pairs(), [['anthropic-beta', 'a, b'], ['content-type', 'application/json']]);
  assert.deepEqual(views.recordable, { 'anthropic-beta': 'a, b', 'content-type': 'application/json' });
  // The same value Web Headers give for the same lines.
  const web = new Headers([['anthropic-beta', 'a'], ['anthropic-beta', 'b']]);
  assert.equal(views.forwardable.get('anthropic-beta'), web.get('anthropic-beta'));
});
