#!/usr/bin/env node
// `npm test`: the type check, every test file under tests/ on Node's test runner, then the smoke suite inside
// Bun's and Deno's own runners, then one closing line with the totals.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const smoke = 'tests/runtime/smoke.test.ts';

function testFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'support' ? [] : testFiles(path);
    return name.endsWith('.test.ts') ? [relative(root, path)] : [];
  });
}

function run(label, command, args, count) {
  return new Promise((resolve) => {
    console.log(`\n== ${label}: ${[command, ...args].join(' ').slice(0, 160)}`);
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' } });
    let out = '';
    // bun test writes its summary to stderr; both streams are read for the counts.
    for (const [stream, sink] of [[child.stdout, process.stdout], [child.stderr, process.stderr]]) {
      stream.on('data', (data) => {
        out += data;
        sink.write(data);
      });
    }
    child.on('close', (code) => resolve({ label, code, ...count(out) }));
  });
}

const lastNumber = (text, pattern) => {
  const all = [...text.matchAll(pattern)];
  return all.length ? Number(all.at(-1)[1]) : 0;
};

// Commands the tests run keep their audit caches here, not in the user's ~/.cache/scribe.
const caches = mkdtempSync(join(tmpdir(), 'scribe-test-caches-'));
process.env.SCRIBE_AUDIT_CACHE_DIR ??= caches;

const files = process.argv.length > 2 ? process.argv.slice(2) : testFiles(join(root, 'tests')).sort();
const bin = (name) => join(root, 'node_modules/.bin', name);
const results = [];
if (process.argv.length <= 2) {
  // Types are checked once for the whole tree; a type error fails the run like a failing test.
  results.push(await run('typecheck', bin('tsc'), ['--noEmit', '-p', '.'], () => ({ passed: 0, failed: 0 })));
}
results.push(
  await run('node', process.execPath, ['--import', 'tsx', '--test', '--test-reporter=tap', ...files], (out) => ({
    passed: lastNumber(out, /^# pass (\d+)$/gm),
    failed: lastNumber(out, /^# fail (\d+)$/gm) + lastNumber(out, /^# cancelled (\d+)$/gm),
  })),
);
if (process.argv.length <= 2) {
  results.push(
    await run('bun', bin('bun'), ['test', smoke], (out) => ({
      passed: lastNumber(out, /^\s*(\d+) pass$/gm),
      failed: lastNumber(out, /^\s*(\d+) fail$/gm),
    })),
  );
  results.push(
    await run('deno', bin('deno'), ['test', '-A', '--no-check', smoke], (out) => ({
      passed: lastNumber(out, /(\d+) passed/g),
      failed: lastNumber(out, /(\d+) failed/g),
    })),
  );
}

let passed = 0;
let failed = 0;
for (const result of results) {
  const broken = result.code !== 0 && result.failed === 0 ? 1 : 0;
  if (broken) console.log(`${result.label} exited with ${result.code} without reporting a failing test`);
  passed += result.passed;
  failed += result.failed + broken;
  console.log(`${result.label}: ${result.passed} passed, ${result.failed} failed`);
}
console.log(`\ntests: ${passed} passed, ${failed} failed`);
rmSync(caches, { recursive: true, force: true });
process.exit(failed === 0 && passed > 0 ? 0 : 1);
