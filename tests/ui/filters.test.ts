/** The sessions page's URL: filters, sort and page parsed from the query, and written back as links. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSessionsQuery, sessionsUrl } from '../../src/ui/filters.ts';

test('filters come from the query, with ages and ISO times as epoch ms', () => {
  const now = Date.now();
  const query = parseSessionsQuery({ subject: 'alice@*', since: '2h', until: '2026-11-01T00:00:00Z', finding: '*', text: ' Paris ' });
  assert.equal(query.filter.subject, 'alice@*');
  assert.equal(query.filter.finding, '*');
  assert.equal(query.filter.text, 'Paris');
  assert.ok(Math.abs(query.filter.since! - (now - 2 * 3_600_000)) < 5_000);
  assert.equal(query.filter.until, Date.parse('2026-11-01T00:00:00Z'));
  assert.deepEqual(query.problems, []);
});

test('a bad time is reported and ignored; an unknown sort falls back to last activity, newest first', () => {
  const query = parseSessionsQuery({ since: 'yesterday-ish', sort: 'drop table', limit: '100000' });
  assert.equal(query.filter.since, undefined);
  assert.match(query.problems[0]!, /not a time: yesterday-ish/);
  assert.equal(query.sort, 'last');
  assert.equal(query.order, 'desc');
  assert.equal(query.limit, 500);
  assert.equal(parseSessionsQuery({ sort: 'who' }).order, 'asc', 'names sort A to Z by default');
});

test('links keep the other parameters and drop emptied ones', () => {
  const values = parseSessionsQuery({ subject: 'bob', sort: 'tokens', order: 'asc', cursor: 'abc' }).values;
  assert.equal(sessionsUrl(values, { cursor: undefined }), '/?subject=bob&sort=tokens&order=asc');
  assert.equal(sessionsUrl({}), '/');
});
