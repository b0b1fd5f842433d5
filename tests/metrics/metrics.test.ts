/** Prometheus /metrics: what one exchange, a refusal and a redaction add, and who may read them. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayMetrics } from '../../src/metrics/gateway-metrics.ts';
import { countingMasker } from '../../src/metrics/counting-masker.ts';
import { metricsEndpoint } from '../../src/metrics/endpoint.ts';
import { createMasker } from '../../src/mask/index.ts';
import { maskingConfigSchema } from '../../src/mask/config.ts';
import { createPolicy, policyConfigSchema } from '../../src/policy/index.ts';
import { startCoreHarness, type CoreHarness } from '../support/core-gateway.ts';
import { AN, gen } from '../mask/fixtures.ts';

const body = (stream: boolean) => JSON.stringify({ model: 'claude-sonnet-5-5', max_tokens: 8, stream, messages: [{ role: 'user', content: 'x' }] });
const post = (h: CoreHarness, path = '/v1/messages', stream = true) =>
  fetch(`${h.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${h.token}`, 'content-type': 'application/json' }, body: body(stream) });

/** The value of one sample of the exposition, or undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const labelText = line.slice(name.length, line.lastIndexOf(' '));
    if (Object.entries(labels).every(([key, value]) => labelText.includes(`${key}="${value}"`))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

async function scrape(h: CoreHarness): Promise<string> {
  const response = await fetch(`${h.url}/metrics`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  return response.text();
}

test('an exchange counts its call, first byte, added latency and tokens; a refusal counts as a limit hit', async () => {
  const metrics = new GatewayMetrics();
  const policy = createPolicy(policyConfigSchema.parse({ rules: [{ name: 'one', requestsPerMinute: 1 }] }));
  const h = await startCoreHarness({ parts: { metrics, policy } });
  try {
    h.upstream.next({ reply: { blocks: [{ type: 'text', text: 'hi' }], inputTokens: 30, outputTokens: 25 } });
    const first = await post(h);
    assert.equal(first.status, 200);
    await first.text();
    const refused = await post(h);
    assert.equal(refused.status, 429);
    await refused.text();
    // Per-exchange figures are booked just after the stream ends, off its path.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const text = await scrape(h);
    assert.equal(sample(text, 'scribe_calls_total', { connection: 'default', route: 'messages', status: '200', outcome: 'complete' }), 1);
    assert.equal(sample(text, 'scribe_calls_total', { connection: 'default', route: 'messages', status: '429', outcome: 'rejected' }), 1);
    assert.equal(sample(text, 'scribe_policy_denials_total', { reason: 'rate_limit' }), 1);
    assert.equal(sample(text, 'scribe_time_to_first_byte_seconds_count', { connection: 'default' }), 1);
    assert.equal(sample(text, 'scribe_gateway_added_seconds_count'), 1);
    assert.ok(sample(text, 'scribe_gateway_added_seconds_sum')! < 1);
    assert.equal(sample(text, 'scribe_tokens_total', { connection: 'default', model: 'claude-sonnet-5-5', direction: 'in' }), 30);
    assert.equal(sample(text, 'scribe_tokens_total', { connection: 'default', model: 'claude-sonnet-5-5', direction: 'out' }), 25);
    assert.equal(sample(text, 'scribe_open_streams'), 0);
  } finally {
    await h.close();
  }
});

test('a non-streamed answer counts its tokens too', async () => {
  const metrics = new GatewayMetrics();
  const h = await startCoreHarness({ parts: { metrics } });
  try {
    h.upstream.next({ reply: { blocks: [{ type: 'text', text: 'hi' }], inputTokens: 7, outputTokens: 3 } });
    await (await post(h, '/v1/messages', false)).json();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const text = await scrape(h);
    assert.equal(sample(text, 'scribe_tokens_total', { model: 'claude-sonnet-5-5', direction: 'in' }), 7);
    assert.equal(sample(text, 'scribe_tokens_total', { model: 'claude-sonnet-5-5', direction: 'out' }), 3);
  } finally {
    await h.close();
  }
});

test('an open stream shows in the gauge while it runs', async () => {
  const metrics = new GatewayMetrics();
  const h = await startCoreHarness({ parts: { metrics } });
  try {
    h.upstream.next({ eventDelayMs: 150, reply: { blocks: [{ type: 'text', text: 'slow' }] } });
    const response = await post(h);
    const reader = response.body!.getReader();
    await reader.read();
    assert.equal(sample(await scrape(h), 'scribe_open_streams'), 1);
    while (!(await reader.read()).done);
    assert.equal(sample(await scrape(h), 'scribe_open_streams'), 0);
  } finally {
    await h.close();
  }
});

test('redactions are counted by rule', async () => {
  const metrics = new GatewayMetrics();
  const masker = countingMasker(createMasker(maskingConfigSchema.parse({})), metrics);
  const h = await startCoreHarness({ parts: { metrics, masker } });
  try {
    h.upstream.next({ reply: { blocks: [{ type: 'text', text: `the token is ghp_${gen(AN, 36)} ok` }] } });
    const text = await (await post(h)).text();
    assert.match(text, /\[REDACTED:github-pat\]/);
    assert.equal(sample(await scrape(h), 'scribe_redactions_total', { rule: 'github-pat' }), 1);
  } finally {
    await h.close();
  }
});

test('a connection name the caller makes up never becomes a label value', async () => {
  const metrics = new GatewayMetrics();
  const h = await startCoreHarness({ parts: { metrics } });
  try {
    assert.equal((await post(h, '/c/made-up-by-caller/v1/messages')).status, 404);
    const text = await scrape(h);
    assert.doesNotMatch(text, /made-up-by-caller/);
    assert.equal(sample(text, 'scribe_calls_total', { connection: 'unknown', status: '404', outcome: 'rejected' }), 1);
  } finally {
    await h.close();
  }
});

test('on a gateway that listens beyond loopback /metrics is not on the API port unless configured', async () => {
  for (const [onApiPort, expected] of [['loopback', 404], ['never', 404], ['always', 200]] as const) {
    const h = await startCoreHarness({ config: { server: { host: '0.0.0.0' }, metrics: { onApiPort } }, parts: { metrics: new GatewayMetrics() } });
    try {
      const response = await fetch(`${h.url}/metrics`);
      assert.equal(response.status, expected, onApiPort);
      if (expected === 404) assert.equal((await response.json()).error.type, 'not_found_error');
      else await response.text();
    } finally {
      await h.close();
    }
  }
});

test('the metrics port serves GET /metrics and nothing else', async () => {
  const handle = metricsEndpoint(new GatewayMetrics());
  const ok = await handle(new Request('http://127.0.0.1:9464/metrics'));
  assert.equal(ok.status, 200);
  assert.match(await ok.text(), /# TYPE scribe_calls_total counter/);
  const other = await handle(new Request('http://127.0.0.1:9464/v1/messages', { method: 'POST' }));
  assert.equal(other.status, 404);
  assert.equal((await other.json()).error.type, 'not_found_error');
});
