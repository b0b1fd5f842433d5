import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forwardableRequestHeaders, forwardableResponseHeaders } from '../../src/http/headers.ts';

test('credentials, cookies, hop-by-hop and proxy headers are never forwarded', () => {
  const out = forwardableRequestHeaders(new Headers({
    authorization: 'Bearer t', 'x-api-key': 'k', cookie: 'c', host: 'h', connection: 'keep-alive', 'transfer-encoding': 'chunked',
    'x-auth-token': 't', 'x-goog-api-key': 'g', 'x-amz-security-token': 's', 'x-forwarded-for': '1.2.3.4', 'x-scribe-debug': '1',
    'accept-encoding': 'gzip', 'proxy-authorization': 'p', 'x-client-secret': 's', 'x-my-password': 'p',
  }));
  assert.deepEqual([...out.keys()], []);
});

test('what the Messages API and Claude Code use is forwarded', () => {
  const out = forwardableRequestHeaders(new Headers({
    'anthropic-version': '2023-06-01', 'anthropic-beta': 'a,b', 'content-type': 'application/json', accept: 'text/event-stream',
    'user-agent': 'claude-cli/2', 'x-claude-code-session-id': 's', 'x-stainless-retry-count': '0', 'x-app': 'cli',
  }));
  assert.deepEqual([...out.keys()].sort(), ['accept', 'anthropic-beta', 'anthropic-version', 'content-type', 'user-agent', 'x-app', 'x-claude-code-session-id', 'x-stainless-retry-count']);
});

test('responses keep the useful headers and drop cookies and framing', () => {
  const out = forwardableResponseHeaders(new Headers({
    'content-type': 'text/event-stream', 'request-id': 'r', 'anthropic-ratelimit-tokens-remaining': '5', 'retry-after': '1',
    'set-cookie': 'x=1', 'content-length': '10', 'content-encoding': 'gzip', 'x-envoy-upstream-service-time': '3',
  }));
  assert.deepEqual([...out.keys()].sort(), ['anthropic-ratelimit-tokens-remaining', 'content-type', 'request-id', 'retry-after']);
});
