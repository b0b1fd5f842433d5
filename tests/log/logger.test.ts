import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createLogger } from '../../src/log/logger.ts';

const run = promisify(execFile);
const loggerModule = fileURLToPath(new URL('../../src/log/logger.ts', import.meta.url));

async function stderrOf(script: string): Promise<string[]> {
  const { stderr } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `import { createLogger } from ${JSON.stringify(loggerModule)};\n${script}`]);
  return stderr.split('\n').filter((line) => line.startsWith('{'));
}

test('lines logged together reach stderr in order, one JSON object per line', async () => {
  const lines = await stderrOf(`const log = createLogger(); for (let i = 0; i < 5; i++) log.log('info', 'exchange', { n: i }); setTimeout(() => log.log('warn', 'later'), 20);`);
  assert.deepEqual(lines.map((l) => JSON.parse(l).n ?? JSON.parse(l).msg), [0, 1, 2, 3, 4, 'later']);
});

test('lines still waiting when the process exits are written', async () => {
  const lines = await stderrOf(`const log = createLogger(); log.log('info', 'one'); log.log('error', 'two'); process.exit(3);`).catch((error: { stderr: string }) =>
    error.stderr.split('\n').filter((line) => line.startsWith('{')),
  );
  assert.deepEqual(lines.map((l) => JSON.parse(l).msg), ['one', 'two']);
});

test('a line below the level is not written; a given writer gets each line at once', () => {
  const got: string[] = [];
  const log = createLogger({ level: 'warn', write: (line) => got.push(line) });
  log.log('info', 'quiet');
  log.log('warn', 'loud', { rule: 'r' });
  assert.equal(got.length, 1);
  assert.deepEqual({ ...JSON.parse(got[0]!), time: undefined }, { time: undefined, level: 'warn', msg: 'loud', rule: 'r' });
});
