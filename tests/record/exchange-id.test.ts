import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newExchangeId, timeOfExchangeId } from '../../src/record/exchange-id.ts';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

test('ids are UUIDv7 carrying their start time', () => {
  for (const at of [0, 1_700_000_000_000, Date.now(), 2 ** 48 - 1]) {
    const id = newExchangeId(at);
    assert.match(id, UUID_V7);
    assert.equal(timeOfExchangeId(id), at);
  }
});

test('ids made in the same millisecond differ, across many refills of the random pool', () => {
  const at = Date.now();
  const ids = Array.from({ length: 5000 }, () => newExchangeId(at));
  assert.equal(new Set(ids).size, ids.length);
  // The random part is not a counter: its bits vary (each of the 62 random bits of rand_b is seen both ways).
  const tails = ids.map((id) => BigInt(`0x${id.slice(19, 23)}${id.slice(24)}`) & ((1n << 62n) - 1n));
  const ones = tails.reduce((a, b) => a | b, 0n);
  const zeros = tails.reduce((a, b) => a | (~b & ((1n << 62n) - 1n)), 0n);
  assert.equal(ones, (1n << 62n) - 1n);
  assert.equal(zeros, (1n << 62n) - 1n);
});
