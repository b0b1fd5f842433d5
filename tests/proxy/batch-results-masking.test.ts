import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMasker } from '../../src/mask/index.ts';
import { startCoreHarness } from '../support/core-gateway.ts';
import { AN, config, gen } from '../mask/fixtures.ts';

test('message batch results are redacted line by line as they stream', async () => {
  const secret = `ghp_${gen(AN, 36)}`;
  const h = await startCoreHarness({ parts: { masker: createMasker(config()) } });
  try {
    h.upstream.next({ reply: { blocks: [{ type: 'text', text: `The token is ${secret}.` }] } });
    const response = await fetch(`${h.url}/v1/messages/batches/msgbatch_test1/results`, { headers: { authorization: `Bearer ${h.token}` } });
    assert.equal(response.status, 200);
    const text = await response.text();
    assert.ok(!text.includes(secret));
    const lines = text.trimEnd().split('\n').map((line) => JSON.parse(line));
    assert.deepEqual(lines.map((l) => l.custom_id), ['one', 'two', 'three']);
    for (const line of lines) assert.equal(line.result.message.content[0].text, 'The token is ghp_[REDACTED:github-pat].');
  } finally {
    await h.close();
  }
});
