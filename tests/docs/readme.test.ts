import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { parseConfig } from '../../src/config/load.ts';

const sections = ['server', 'connections', 'identity', 'policy', 'masking', 'recording'];

test('the quick start states the two commands', async () => {
  const readme = await readFile('README.md', 'utf8');
  assert.match(readme, /npm install && npm start/);
  assert.match(readme, /^npm test\b/m);
});

test('every complete config example in the README is a config the gateway accepts', async () => {
  const readme = await readFile('README.md', 'utf8');
  const blocks = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] as string);
  let checked = 0;
  for (const block of blocks) {
    if (block.includes('{ ... }')) continue;
    const value = parse(block) as Record<string, unknown> | null;
    if (!value || typeof value !== 'object' || !Object.keys(value).every((key) => sections.includes(key))) continue;
    assert.doesNotThrow(() => parseConfig(value, 'README'), `README example:\n${block}`);
    checked++;
  }
  assert.ok(checked >= 4, `only ${checked} config examples checked`);
});
