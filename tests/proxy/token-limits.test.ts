import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPolicy } from '../../src/policy/index.ts';
import { policyConfigSchema } from '../../src/policy/config.ts';
import { startCoreHarness } from '../support/core-gateway.ts';

const call = (stream: boolean) => JSON.stringify({ model: 'claude-sonnet-5-5', max_tokens: 8, stream, messages: [{ role: 'user', content: 'x' }] });

for (const stream of [true, false]) {
  test(`the tokens a ${stream ? 'streamed' : 'non-streamed'} answer used count against the caller's tokens per minute`, async () => {
    const policy = createPolicy(policyConfigSchema.parse({ rules: [{ name: 'small', tokensPerMinute: 40 }] }));
    const h = await startCoreHarness({ parts: { policy } });
    try {
      const post = () => fetch(`${h.url}/v1/messages`, { method: 'POST', headers: { authorization: `Bearer ${h.token}`, 'content-type': 'application/json' }, body: call(stream) });
      h.upstream.next({ reply: { blocks: [{ type: 'text', text: 'hi' }], inputTokens: 30, outputTokens: 25 } });
      const first = await post();
      assert.equal(first.status, 200);
      await first.text();
      await new Promise((resolve) => setTimeout(resolve, 50));
      const second = await post();
      assert.equal(second.status, 429, '55 tokens used of 40 per minute');
      assert.equal((await second.json()).error.type, 'rate_limit_error');
      assert.ok(Number(second.headers.get('retry-after')) > 0);
      assert.equal(h.upstream.calls.length, 1);
    } finally {
      await h.close();
    }
  });
}
