import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnGateway } from '../support/spawn-gateway.ts';

test('with no issuer configured the gateway refuses to listen beyond loopback', async () => {
  await assert.rejects(spawnGateway('node', { SCRIBE_HOST: '0.0.0.0', SCRIBE_MASKING: 'off' }), (error: Error) => {
    assert.match(error.message, /exited with 1/);
    assert.match(error.message, /refusing to listen on 0\.0\.0\.0: no identity issuer is configured/);
    return true;
  });
});

test('a bad config file stops start-up with a message naming the key, not a stack trace', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'scribe-config-'));
  const file = join(dir, 'scribe.yaml');
  await writeFile(file, 'server:\n  bodyLimitBytes: "huge"\nmasking:\n  enabled: true\n  holdbakCap: 10\n');
  await assert.rejects(spawnGateway('node', { SCRIBE_CONFIG: file }), (error: Error) => {
    assert.match(error.message, /server\.bodyLimitBytes: .*number/);
    assert.match(error.message, /masking: .*holdbakCap/);
    assert.doesNotMatch(error.message, /    at /);
    return true;
  });
});

test('without ANTHROPIC_API_KEY the gateway starts and says no upstream credential is set', async () => {
  const gateway = await spawnGateway('node', { SCRIBE_MASKING: 'off' });
  try {
    assert.match(gateway.stderr(), /NO upstream credential set \(ANTHROPIC_API_KEY\)/);
    assert.match(gateway.stderr(), /DEVELOPMENT MODE/);
  } finally {
    await gateway.stop();
  }
});
