/**
 * The catalog brings one cache up to date for several questions at once (as the viewer asks
 * them): the updates run one after another over a slow store, each segment is read once, and
 * every question finds what the store holds.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Catalog } from '../../src/audit/catalog.ts';
import { IndexCache } from '../../src/audit/index-cache.ts';
import { openSink, type Sink } from '../../src/store/sink.ts';
import { writeAuditStore } from './store-fixture.ts';

/** The store with every read and listing answered 15 ms late, and each object read counted. */
function slow(sink: Sink, reads: string[]): Sink {
  const late = <T>(value: Promise<T>) => value.then((v) => new Promise<T>((resolve) => setTimeout(() => resolve(v), 15)));
  return {
    url: sink.url,
    create: (name, bytes) => sink.create(name, bytes),
    holds: (name, bytes) => sink.holds(name, bytes),
    probe: () => sink.probe(),
    list: (prefix, range) => late(sink.list(prefix, range)),
    read: (name) => {
      reads.push(name);
      return late(sink.read(name));
    },
  };
}

test('updates asked for at once run one after another, and read each segment once', async () => {
  const fixture = await writeAuditStore();
  const reads: string[] = [];
  const cache = new IndexCache(':memory:');
  const catalog = new Catalog(slow(await openSink(fixture.store), reads), cache, { concurrency: 2, settleMs: 0, refresh: false });
  await Promise.all([catalog.update({}), catalog.update({}), catalog.update({ since: fixture.now - 3_600_000 }), catalog.update({})]);
  const exchanges = cache.db.prepare('SELECT count(*) FROM exchanges').pluck().get() as number;
  assert.equal(exchanges, [...fixture.sessions.values()].reduce((n, ids) => n + ids.length, 0));
  const segments = reads.filter((name) => name.startsWith('segments/'));
  assert.ok(segments.length > 0);
  assert.equal(new Set(segments).size, segments.length, 'no segment read twice');
  cache.close();
});
