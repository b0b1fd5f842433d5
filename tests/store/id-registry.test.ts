import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { IdRegistry } from '../../src/store/id-registry.ts';

test('every id registered is found with its writer, and ids never registered are not found', () => {
  const registry = new IdRegistry();
  const writers = ['gw-0', 'gw-1', 'gw-2', 'ui-host'];
  const seen = Array.from({ length: 200_000 }, () => randomUUID());
  seen.forEach((id, i) => registry.set(id, writers[i % writers.length]!));
  assert.equal(registry.size, seen.length);
  seen.forEach((id, i) => assert.equal(registry.get(id), writers[i % writers.length]));
  for (let i = 0; i < 200_000; i++) assert.equal(registry.get(randomUUID()), undefined);
});

test('registering an id again moves it to the latest writer without counting it twice', () => {
  const registry = new IdRegistry();
  registry.set('01a22206-deef-7449-91c2-7495e9f16873', 'gw-0');
  registry.set('01a22206-deef-7449-91c2-7495e9f16873', 'gw-1');
  assert.equal(registry.size, 1);
  assert.equal(registry.get('01a22206-deef-7449-91c2-7495e9f16873'), 'gw-1');
  assert.equal(registry.get('01a22206-deef-7449-91c2-7495e9f16874'), undefined, 'ids one character apart are different');
});
