import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMasker } from '../../src/mask/index.ts';
import { startCoreHarness } from '../support/core-gateway.ts';
import { config } from '../mask/fixtures.ts';

const nonStream = JSON.stringify({ model: 'claude-sonnet-5-5', max_tokens: 8, messages: [{ role: 'user', content: 'x' }] });

test('a non-streamed answer whose upstream goes silent mid-body ends with a 504, not a hang', async () => {
  const h = await startCoreHarness({ config: { server: { idleTimeoutMs: 300 } }, parts: { masker: createMasker(config()) } });
  try {
    h.upstream.next({ stallBodyAfterBytes: 20 });
    const response = await fetch(`${h.url}/v1/messages`, { method: 'POST', headers: { authorization: `Bearer ${h.token}`, 'content-type': 'application/json' }, body: nonStream });
    assert.equal(response.status, 504);
    const error = await response.json();
    assert.equal(error.error.type, 'timeout_error');
    assert.match(error.error.message, /sent nothing for 300 ms/);
    assert.equal(await h.upstream.calls.at(-1)!.done, 'closed');
    assert.equal(await h.gateway.openStreams.drained(1000), true);
  } finally {
    await h.close();
  }
});
