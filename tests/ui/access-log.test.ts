/**
 * The viewer's access log records refusals as well as views: a refused identity every time,
 * callers without a verified identity at a bounded rate, with the count of those left out.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ANONYMOUS_REFUSALS_PER_WINDOW, NOT_RECORDED_HEADER, openAccessLog } from '../../src/ui/access-log.ts';
import { storedRecords, tempDir } from '../record/store-helpers.ts';

const request = (path: string) => ({ method: 'GET', url: `http://127.0.0.1:8788${path}`, userAgent: 'test' });

test('refusals without an identity are recorded at a bounded rate, the next one saying how many were left out', async () => {
  const root = await tempDir('access-log');
  const store = `file:${root}/store`;
  const log = await openAccessLog({ store, spoolDir: `${root}/spool`, instanceId: 'ui-test', batchMaxAgeMs: 50, refusalWindowMs: 300 });
  const flood = ANONYMOUS_REFUSALS_PER_WINDOW + 15;
  for (let i = 0; i < flood; i++) log.refused(null, request(`/s/${i}`), 401);
  await new Promise((resolve) => setTimeout(resolve, 350));
  log.refused(null, request('/after'), 401);
  const identity = { issuer: 'https://issuer.example', subject: 'carol', email: 'carol@example.com', groups: [], claims: { sub: 'carol' } };
  log.refused(identity, request('/'), 403);
  await log.flush();
  await log.close();
  const records = await storedRecords(store);
  const anonymous = records.filter((r) => !r.identity);
  assert.equal(anonymous.length, ANONYMOUS_REFUSALS_PER_WINDOW + 1);
  assert.ok(anonymous.every((r) => r.response?.status === 401 && r.outcome.status === 'rejected'));
  const after = anonymous.find((r) => r.request.path === '/after');
  assert.equal(after?.request.headers[NOT_RECORDED_HEADER], '15');
  const carol = records.find((r) => r.identity?.subject === 'carol');
  assert.equal(carol?.response?.status, 403);
  assert.equal(carol?.grant ?? null, null, 'a refused identity has no grant');
});
