/**
 * `scribe ui` as a user runs it: on loopback it serves the viewer with no sign-in and answers
 * only to loopback host names; it refuses to listen elsewhere while no identity provider is
 * configured; a tampered batch shows on the integrity page as a problem, in words.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile, writeFile, readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { request } from 'node:http';
import { after, before, test } from 'node:test';
import { gunzip, gzip } from '../../src/record/batch-file.ts';
import { recordStore, type RecordedStore } from './recorded-store.ts';

const root = resolve(import.meta.dirname, '../..');
let recorded: RecordedStore;

before(async () => {
  recorded = await recordStore();
});
after(() => recorded?.remove());

function runUi(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [join(root, 'src/cli/scribe.mjs'), 'ui', '--store', recorded.store, ...args], {
    cwd: recorded.root,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: recorded.root, SCRIBE_DATA_DIR: join(recorded.root, 'data'), SCRIBE_AUDIT_CACHE: ':memory:', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((done) => child.once('close', done));
  const listening = new Promise<string>((done, fail) => {
    child.stderr.on('data', () => {
      const match = /listening on (http:\/\/\S+)/.exec(stderr);
      if (match) done(match[1]!);
    });
    void exited.then((code) => fail(new Error(`scribe ui exited with ${code}: ${stderr}`)));
  });
  return { child, exited, listening, stderr: () => stderr };
}

/** A GET with a chosen Host header (fetch does not allow setting it). */
function getWithHost(url: string, host: string): Promise<number> {
  return new Promise((done, fail) => {
    const req = request(url, { headers: { host } }, (res) => {
      res.resume();
      done(res.statusCode ?? 0);
    });
    req.on('error', fail);
    req.end();
  });
}

test('scribe ui serves the viewer on loopback without sign-in, and only to loopback host names', async () => {
  const ui = runUi(['--port', '0']);
  try {
    const url = await ui.listening;
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.match(ui.stderr(), /loopback only, no sign-in/);
    const page = await fetch(`${url}/?subject=bob*`);
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /bob@example\.com/);
    assert.ok(!html.includes('alice@example.com'));
    assert.equal(await getWithHost(url, 'attacker.example:80'), 421, 'a page on another site cannot reach the viewer through DNS rebinding');
    assert.equal(await getWithHost(url, `localhost:${new URL(url).port}`), 200);
  } finally {
    ui.child.kill('SIGTERM');
    assert.equal(await ui.exited, 0);
  }
});

test('scribe ui refuses to listen beyond loopback while no identity provider is configured', async () => {
  const ui = runUi(['--port', '0', '--host', '0.0.0.0']);
  ui.listening.catch(() => {});
  assert.equal(await ui.exited, 2);
  assert.match(ui.stderr(), /refusing to listen on 0\.0\.0\.0: with no identity provider configured the viewer serves loopback only/);
  assert.ok(!ui.stderr().includes('    at '), 'no stack trace');
});

test('a batch edited after it was written shows on the integrity page as a problem', async () => {
  const dir = join(recorded.root, 'store');
  const names = (await readdir(dir, { recursive: true })).filter((n) => n.endsWith('.ndjson.gz')).sort();
  let target = '';
  let text = '';
  for (const name of names) {
    text = new TextDecoder().decode(await gunzip(new Uint8Array(await readFile(join(dir, name)))));
    target = join(dir, name);
    if (text.includes(recorded.exchanges[0]!)) break;
  }
  await writeFile(target, await gzip(new TextEncoder().encode(text.replace('Paris', 'Lyon!'))));
  const ui = runUi(['--port', '0']);
  try {
    const url = await ui.listening;
    const html = await (await fetch(`${url}/integrity?session=${recorded.aliceSession}`)).text();
    assert.match(html, /<p class="verdict bad" role="status">Problems found in \d batch files? of \d/, html.slice(html.indexOf("<main>")));
    assert.match(html, /<li>its records were edited, added or removed after it was written<\/li>/);
    const session = await fetch(`${url}/s/${recorded.aliceSession}`);
    assert.equal(session.status, 502);
    const refusal = await session.text();
    assert.match(refusal, /<h1>Cannot show this session<\/h1>/);
    assert.match(refusal, /differs from its index/);
    assert.match(refusal, /<a href="\/integrity\?session=alice-weather">Check integrity<\/a>/);
  } finally {
    ui.child.kill('SIGTERM');
    await ui.exited;
  }
});
