/** The audit layer answers an auditor's questions from indexes, reading only the batches it shows. */
import assert from 'node:assert/strict';
import { cp, readdir, rm, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { openAudit, type Audit } from '../../src/audit/index.ts';
import { StoreAccessError } from '../../src/store/store-errors.ts';
import { tempDir } from '../record/store-helpers.ts';
import { DAY, writeAuditStore, type AuditFixture } from './store-fixture.ts';

let fixture: AuditFixture;

before(async () => {
  fixture = await writeAuditStore();
});

async function open(store = fixture.store, cache = ':memory:'): Promise<Audit> {
  return openAudit(store, { cache });
}

test('sessions are listed with who, how many exchanges, tokens, findings and outcomes, newest first', async () => {
  const audit = await open();
  const page = await audit.sessions({});
  assert.deepEqual(page.items.map((s) => s.session), ['sess-alice-new', 'sess-bob', 'sess-alice-old']);
  const [alice, bob] = page.items;
  assert.equal(alice?.who, 'alice@example.com');
  assert.equal(alice?.exchanges, 5);
  assert.equal(alice?.findings, 1);
  assert.equal(bob?.who, 'bob');
  assert.deepEqual(bob?.outcomes, { complete: 2, upstream_error: 1 });
  assert.ok((alice?.outputTokens ?? 0) > 0);
  assert.match(alice?.preview ?? '', /fix the failing test/);
  await audit.close();
});

test('filters narrow by subject or email glob, time, group, model, outcome and finding', async () => {
  const audit = await open();
  const ids = async (filter: Parameters<Audit['sessions']>[0]) => (await audit.sessions(filter)).items.map((s) => s.session).sort();
  assert.deepEqual(await ids({ subject: 'ALICE@*' }), ['sess-alice-new', 'sess-alice-old']);
  assert.deepEqual(await ids({ subject: 'bo?' }), ['sess-bob']);
  assert.deepEqual(await ids({ subject: 'BOB' }), ['sess-bob']);
  assert.deepEqual(await ids({ subject: 'Alice@Example.com' }), ['sess-alice-new', 'sess-alice-old']);
  assert.deepEqual(await ids({ since: fixture.now - DAY / 2 }), ['sess-alice-new']);
  assert.deepEqual(await ids({ until: fixture.now - DAY / 2, since: fixture.now - 3 * DAY }), ['sess-alice-old', 'sess-bob']);
  assert.deepEqual(await ids({ group: 'eng' }), ['sess-alice-new', 'sess-alice-old']);
  assert.deepEqual(await ids({ model: 'claude-sonnet-*' }), ['sess-alice-new', 'sess-alice-old', 'sess-bob']);
  assert.deepEqual(await ids({ model: 'claude-opus-*' }), []);
  assert.deepEqual(await ids({ outcome: 'upstream_error' }), ['sess-bob']);
  assert.deepEqual(await ids({ finding: '*' }), ['sess-alice-new']);
  assert.deepEqual(await ids({ finding: 'aws-*' }), ['sess-alice-new']);
  assert.deepEqual(await ids({ finding: 'github-*' }), []);
  assert.deepEqual(await ids({ issuer: 'https://idp.example.com' }), ['sess-alice-new', 'sess-alice-old', 'sess-bob']);
  const exchange = fixture.sessions.get('sess-bob')?.[1] as string;
  assert.deepEqual(await ids({ exchange }), ['sess-bob']);
  await audit.close();
});

test('text search finds a substring of a prompt or an answer, whatever its case', async () => {
  const audit = await open();
  const bySession = async (text: string) => (await audit.sessions({ text })).items.map((s) => s.session).sort();
  assert.deepEqual(await bySession('[redacted:AWS-ACCESS-KEY-ID]'), ['sess-alice-new']);
  assert.deepEqual(await bySession('PLEASE FIX the failing test'), ['sess-alice-new', 'sess-alice-old', 'sess-bob']);
  assert.deepEqual(await bySession('no such words anywhere'), []);
  await audit.close();
});

test('pages follow a cursor to the end, with no item twice', async () => {
  const audit = await open();
  const seen: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await audit.exchanges({}, { limit: 4, ...(cursor ? { cursor } : {}) });
    assert.ok(page.items.length <= 4);
    seen.push(...page.items.map((e) => e.id));
    cursor = page.next;
  } while (cursor);
  assert.equal(seen.length, 12);
  assert.equal(new Set(seen).size, 12);
  assert.deepEqual(seen, [...fixture.sessions.values()].flat());
  await assert.rejects(audit.exchanges({}, { cursor: 'garbage!' }), /not a cursor/);
  await audit.close();
});

test('a session is shown in conversation order, and every request rebuilds byte for byte', async () => {
  const audit = await open();
  const view = await audit.session('sess-alice-new');
  assert.ok(view);
  assert.deepEqual(view.exchanges.map((e) => e.record.id), fixture.sessions.get('sess-alice-new'));
  for (const exchange of view.exchanges) {
    assert.deepEqual(await exchange.requestBody(), fixture.bodies.get(exchange.record.id));
  }
  assert.equal(await audit.session('no-such-session'), undefined);
  await audit.close();
});

test('one exchange is found by its id alone, on a cold cache, and rebuilt exactly', async () => {
  const audit = await open();
  const id = fixture.sessions.get('sess-bob')?.[2] as string;
  const view = await audit.exchange(id);
  assert.equal(view?.record.id, id);
  assert.equal(view?.record.outcome.status, 'upstream_error');
  assert.deepEqual(await view?.requestBody(), fixture.bodies.get(id));
  assert.equal(await audit.exchange('0190a000-0000-7000-8000-000000000000'), undefined);
  await audit.close();
});

test('without per-batch indexes or segments, readers fall back to the batch files', async () => {
  const dir = await tempDir('audit-noindex');
  await cp(fixture.store.slice('file:'.length), dir, { recursive: true });
  await rm(join(dir, 'index'), { recursive: true });
  await rm(join(dir, 'segments'), { recursive: true });
  const audit = await open(`file:${dir}`);
  const page = await audit.sessions({ subject: 'alice*' });
  assert.deepEqual(page.items.map((s) => s.session), ['sess-alice-new', 'sess-alice-old']);
  const view = await audit.session('sess-alice-old');
  assert.equal(view?.exchanges.length, 4);
  await audit.close();
});

test('a corrupt index costs speed, not answers', async () => {
  const dir = await tempDir('audit-corrupt');
  await cp(fixture.store.slice('file:'.length), dir, { recursive: true });
  await rm(join(dir, 'segments'), { recursive: true });
  const files: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const entry of await readdir(d, { withFileTypes: true })) {
      if (entry.isDirectory()) await walk(join(d, entry.name));
      else files.push(join(d, entry.name));
    }
  };
  await walk(join(dir, 'index'));
  await writeFile(files[0] as string, 'not gzip at all');
  await unlink(files[1] as string);
  const audit = await open(`file:${dir}`);
  const exchanges = await audit.exchanges({}, { limit: 100 });
  assert.equal(exchanges.items.length, 12);
  await audit.close();
});

test('the cache is only an accelerator: a second reader answers from it, and deleting it loses nothing', async () => {
  const cache = join(await tempDir('audit-cache'), 'index.sqlite');
  const first = await open(fixture.store, cache);
  const before = await first.sessions({});
  await first.close();
  const second = await open(fixture.store, cache);
  assert.deepEqual(await second.sessions({}), before);
  await second.close();
  await rm(cache);
  const third = await open(fixture.store, cache);
  assert.deepEqual(await third.sessions({}), before);
  await third.close();
});

test('an empty store lists nothing; a missing one is an error that says so', async () => {
  const empty = await tempDir('audit-empty');
  const audit = await open(`file:${empty}`);
  assert.deepEqual((await audit.sessions({})).items, []);
  await audit.close();
  await assert.rejects(open(`file:${empty}/typo`), (error: unknown) => error instanceof StoreAccessError && error.kind === 'missing' && /does not exist/.test(error.message));
});

test('integrity says in words when a batch on screen was changed', async () => {
  const dir = await tempDir('audit-integrity');
  await cp(fixture.store.slice('file:'.length), dir, { recursive: true });
  const audit = await open(`file:${dir}`);
  const view = await audit.session('sess-alice-old');
  const batches = view?.exchanges.map((e) => e.summary.batch) ?? [];
  assert.deepEqual((await audit.integrity(batches)).map((b) => b.ok), batches.map(() => true));
  await unlink(join(dir, batches[1] as string));
  const report = await audit.integrity(batches);
  assert.equal(report[1]?.ok, false);
  assert.match(report[1]?.problems.join(' ') ?? '', /missing/);
  assert.match(report[2]?.problems.join(' ') ?? '', /batch before it .* is missing/);
  await audit.close();
});
