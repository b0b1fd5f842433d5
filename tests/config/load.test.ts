import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.ts';
import { ConfigError } from '../../src/config/errors.ts';

async function file(text: string): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'scribe-cfg-')), 'scribe.yaml');
  await writeFile(path, text);
  return path;
}

test('with nothing set, the embedded defaults of the contract apply', async () => {
  const config = await loadConfig({});
  assert.equal(config.server.port, 8787);
  assert.equal(config.server.host, '127.0.0.1');
  assert.equal(config.connections.default?.type, 'anthropic');
  assert.equal(config.connections.default?.type === 'anthropic' && config.connections.default.baseUrl, 'https://api.anthropic.com');
  assert.equal(config.recording.store, 'file:./data/sessions');
  assert.equal(config.recording.spoolDir, './data/spool');
  assert.equal(config.masking.enabled, true);
  assert.equal(config.recording.buildIn, 'auto');
  assert.deepEqual(config.identity.issuers, []);
});

test('the contract variables set their keys', async () => {
  const config = await loadConfig({
    PORT: '9001', SCRIBE_HOST: '0.0.0.0', SCRIBE_UPSTREAM_URL: 'http://127.0.0.1:1', ANTHROPIC_API_KEY: 'sk-ant-x',
    SCRIBE_OIDC_ISSUER: 'https://issuer.example', SCRIBE_OIDC_AUDIENCE: 'a,b', SCRIBE_OIDC_JWKS_URI: 'https://issuer.example/keys',
    SCRIBE_STORE: 'gs://bucket/prefix', SCRIBE_GCS_ENDPOINT: 'http://127.0.0.1:4443', SCRIBE_SPOOL_DIR: '/tmp/spool',
    SCRIBE_MASKING: 'off', SCRIBE_SEAL_KEY: '/keys/seal.jwk', SCRIBE_RECORD_WORKER: 'off',
  });
  assert.equal(config.server.port, 9001);
  assert.equal(config.server.host, '0.0.0.0');
  const upstream = config.connections.default;
  assert.ok(upstream?.type === 'anthropic');
  assert.equal(upstream.baseUrl, 'http://127.0.0.1:1');
  assert.equal(upstream.apiKey, 'sk-ant-x');
  assert.equal(config.identity.issuers[0]?.issuer, 'https://issuer.example');
  assert.deepEqual(config.identity.issuers[0]?.audience, ['a', 'b']);
  assert.equal(config.identity.issuers[0]?.jwksUri, 'https://issuer.example/keys');
  assert.equal(config.recording.store, 'gs://bucket/prefix');
  assert.equal(config.recording.gcsEndpoint, 'http://127.0.0.1:4443');
  assert.equal(config.recording.spoolDir, '/tmp/spool');
  assert.equal(config.recording.sealKey, '/keys/seal.jwk');
  assert.equal(config.masking.enabled, false);
  assert.equal(config.recording.buildIn, 'thread');
});

test('the environment wins over the config file where both speak', async () => {
  const path = await file('server:\n  port: 7000\n  idleTimeoutMs: 5000\nmasking:\n  enabled: true\n');
  const config = await loadConfig({ SCRIBE_CONFIG: path, PORT: '7001', SCRIBE_MASKING: 'off' });
  assert.equal(config.server.port, 7001);
  assert.equal(config.server.idleTimeoutMs, 5000);
  assert.equal(config.masking.enabled, false);
});

test('errors name the key and the problem', async () => {
  const path = await file('server:\n  idleTimeoutMs: -5\nconnections:\n  default:\n    type: carrier-pigeon\nsurprise: 1\n');
  await assert.rejects(loadConfig({ SCRIBE_CONFIG: path }), (error: ConfigError) => {
    assert.ok(error instanceof ConfigError);
    const text = error.problems.join('\n');
    assert.match(text, /server\.idleTimeoutMs: Too small: expected number to be >0/);
    assert.match(text, /connections\.default\.type/);
    assert.match(text, /surprise/);
    return true;
  });
});

test('an issuer without an audience, a bad port and a bad switch are refused', async () => {
  await assert.rejects(loadConfig({ SCRIBE_OIDC_ISSUER: 'https://i.example' }), /SCRIBE_OIDC_AUDIENCE: required/);
  await assert.rejects(loadConfig({ PORT: 'http' }), /PORT: expected a port number/);
  await assert.rejects(loadConfig({ SCRIBE_MASKING: 'maybe' }), /SCRIBE_MASKING: expected "on" or "off"/);
  await assert.rejects(loadConfig({ SCRIBE_RECORD_WORKER: 'yes' }), /SCRIBE_RECORD_WORKER: expected "on" or "off"/);
  await assert.rejects(loadConfig({ SCRIBE_STORE: 's3://nope' }), /recording\.store: must start with file: or gs:\/\//);
});

test('unreadable and malformed files are told plainly', async () => {
  await assert.rejects(loadConfig({ SCRIBE_CONFIG: '/nonexistent/scribe.yaml' }), /cannot read \/nonexistent\/scribe\.yaml \(ENOENT\)/);
  const broken = await file('server:\n  port: [1,\n');
  await assert.rejects(loadConfig({ SCRIBE_CONFIG: broken }), /not valid YAML/);
  const list = await file('- 1\n- 2\n');
  await assert.rejects(loadConfig({ SCRIBE_CONFIG: list }), /top level must be a mapping/);
});
