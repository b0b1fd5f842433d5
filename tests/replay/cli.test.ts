/** The scribe sessions, replay and verify commands against a recorded store. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { createRecorder } from '../../src/record/index.ts';
import { listBatches } from '../../src/store/reader.ts';
import { openSink } from '../../src/store/sink.ts';
import { agentSession } from '../record/agent-session.ts';
import { playStream, sseEvents, startOf } from '../record/fixtures.ts';
import { configFor, tempDir } from '../record/store-helpers.ts';
import type { ExchangeStart } from '../../src/record/recorder.ts';

const scribe = new URL('../../src/cli/scribe.mjs', import.meta.url).pathname;

function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: Buffer; stderr: string }> {
  const proc = spawn(process.execPath, [scribe, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const stdout: Buffer[] = [];
  let stderr = '';
  proc.stdout.on('data', (d: Buffer) => stdout.push(d));
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => proc.on('close', (code) => resolve({ code, stdout: Buffer.concat(stdout), stderr })));
}

let store: string;
let root: string;
let starts: ExchangeStart[];
const session = 'b7c3a1d0-0000-4000-8000-000000000001';

before(async () => {
  root = await tempDir('cli');
  const config = configFor(root);
  const recorder = await createRecorder(config, { log: () => {} });
  starts = agentSession(3, session).map((turn) => {
    const start = startOf(turn.body);
    playStream(recorder, start, turn.answer);
    return start;
  });
  await recorder.close();
  store = config.store;
});

test('verify exits 0 on an intact store', async () => {
  const { code, stdout } = await run(['verify', '--store', store]);
  assert.equal(code, 0);
  assert.match(stdout.toString(), /^OK .*3 record\(s\).*all intact/m);
});

test('sessions list shows the session with its caller, and filters by subject and time', async () => {
  const { code, stdout } = await run(['sessions', 'list'], { SCRIBE_STORE: store });
  assert.equal(code, 0);
  assert.match(stdout.toString(), new RegExp(`${session}\\s+alice@example.com\\s+3\\s`));
  assert.doesNotMatch((await run(['sessions', 'list', '--store', store, '--subject', 'bob'])).stdout.toString(), new RegExp(session));
  assert.match((await run(['sessions', 'list', '--store', store, '--subject', 'alice'])).stdout.toString(), new RegExp(session));
  assert.doesNotMatch((await run(['sessions', 'list', '--store', store, '--until', '2001-01-01T00:00:00Z'])).stdout.toString(), new RegExp(session));
  assert.match((await run(['sessions', 'list', '--store', store, '--since', '1h'])).stdout.toString(), new RegExp(session));
});

test('sessions show lists the exchanges of a session with their parents', async () => {
  const { code, stdout } = await run(['sessions', 'show', session, '--store', store]);
  assert.equal(code, 0);
  const text = stdout.toString();
  for (const start of starts) assert.ok(text.includes(start.id));
  assert.ok(text.includes(`${starts[1]?.id}  ${starts[0]?.id}`));
});

test('replay --request prints the rebuilt request byte for byte', async () => {
  const last = starts[2] as ExchangeStart;
  const { code, stdout } = await run(['replay', last.id, '--request', '--store', store]);
  assert.equal(code, 0);
  assert.deepEqual(new Uint8Array(stdout), last.request.body);
});

test('replay re-streams the recorded SSE', async () => {
  const { code, stdout } = await run(['replay', starts[0]?.id as string, '--no-pace', '--store', store]);
  assert.equal(code, 0);
  assert.equal(stdout.toString(), sseEvents(agentSession(3, session)[0]?.answer ?? []).join(''));
});

test('replay --to resends the rebuilt request with the caller token given, never a recorded one', async () => {
  const received: { path: string; body: Buffer; auth: string | undefined }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', body: Buffer.concat(chunks), auth: req.headers.authorization });
      res.writeHead(200, { 'content-type': 'text/event-stream' }).end('event: message_stop\ndata: {}\n\n');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { code, stdout } = await run(['replay', session, '--to', url, '--token', 'tok', '--store', store]);
  server.close();
  assert.equal(code, 0);
  assert.equal(received.length, 3);
  received.forEach((r, i) => {
    assert.equal(r.path, '/v1/messages');
    assert.equal(r.auth, 'Bearer tok');
    assert.deepEqual(new Uint8Array(r.body), starts[i]?.request.body);
  });
  assert.match(stdout.toString(), /message_stop/);
});

test('verify exits non-zero and names the missing batch file', async () => {
  const names = await listBatches(await openSink(store));
  assert.ok(names.length >= 1);
  // Another writer appends two batches; the first of them disappears.
  const config = configFor(root, { spoolDir: join(root, 'spool2') });
  const recorder = await createRecorder(config, { instanceId: 'gw9', log: () => {} });
  for (let i = 0; i < 2; i++) {
    playStream(recorder, startOf({ model: 'm', messages: [{ role: 'user', content: `x${i}` }] }), [{ type: 'text', text: 'y' }]);
    await recorder.flush();
  }
  await recorder.close();
  const gw9 = (await listBatches(await openSink(store))).filter((n) => n.includes('-gw9-')).sort((a, b) => a.slice(-20).localeCompare(b.slice(-20)));
  await rm(join(store.slice('file:'.length), gw9[0] as string));
  const { code, stdout } = await run(['verify', '--store', store]);
  assert.equal(code, 1);
  assert.match(stdout.toString(), /FAIL gw9: batch file\(s\) 0\.\.0 missing/);
});
