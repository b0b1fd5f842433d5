/** A connection's switches: its own where it says, the gateway-wide settings where it does not. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defineConfig } from '../../src/config/load.ts';
import { resolveSwitches, switchDefaults } from '../../src/upstream/switches.ts';

test('unset switches follow the gateway: recording, masking, and masking.prompts by name or "*"', () => {
  const config = defineConfig({
    masking: { prompts: { '*': 'mask', special: 'block' } },
    connections: { default: { type: 'anthropic' }, special: { type: 'anthropic' }, own: { type: 'anthropic', recording: 'off', masking: 'off', prompts: 'allow' } },
  });
  const defaults = switchDefaults(config);
  assert.deepEqual(resolveSwitches('default', config.connections.default!, defaults), { recording: true, maskAnswers: true, prompts: 'mask' });
  assert.deepEqual(resolveSwitches('special', config.connections.special!, defaults), { recording: true, maskAnswers: true, prompts: 'block' });
  assert.deepEqual(resolveSwitches('own', config.connections.own!, defaults), { recording: false, maskAnswers: false, prompts: 'allow' });
});

test('masking off gateway-wide means no prompt rule either, unless a connection sets one', () => {
  const config = defineConfig({
    masking: { enabled: false, prompts: { '*': 'block' } },
    connections: { default: { type: 'anthropic' }, strict: { type: 'anthropic', prompts: 'block', masking: true } },
  });
  const defaults = switchDefaults(config);
  assert.deepEqual(resolveSwitches('default', config.connections.default!, defaults), { recording: true, maskAnswers: false, prompts: 'allow' });
  assert.deepEqual(resolveSwitches('strict', config.connections.strict!, defaults), { recording: true, maskAnswers: true, prompts: 'block' });
});

test('a switch that is not on/off is a config error naming the key', () => {
  assert.throws(() => defineConfig({ connections: { default: { type: 'anthropic', recording: 'sometimes' as 'on' } } }), /connections\.default\.recording/);
});
