/**
 * The embedded development issuer: used when no issuer is configured, key persisted privately
 * in the data directory, tokens verified in-process with the same checks as any issuer.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { identityConfigSchema } from '../../src/identity/config.ts';
import { createAuthenticator, devAudience, devIssuerName } from '../../src/identity/index.ts';
import { runDevToken } from '../../src/cli/dev-token.ts';
import { bearer, rejection } from './authenticator-fixture.ts';
import { captureStdout } from '../support/capture-stdout.ts';

async function withDataDir(run: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'scribe-identity-'));
  try {
    await run(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const noNetwork = (async () => {
  throw new Error('the development issuer must not use the network');
}) as unknown as typeof fetch;

describe('development issuer', () => {
  test('runs when no issuer is configured, and its tokens verify without any HTTP', async () => {
    await withDataDir(async (dataDir) => {
      const { authenticator, devIssuer } = await createAuthenticator(identityConfigSchema.parse({}), { dataDir, fetch: noNetwork });
      assert.ok(devIssuer);
      const token = await devIssuer.sign({ subject: 'ada', email: 'ada@example.com', groups: ['eng'] });
      const identity = await authenticator.authenticate(bearer(token));
      assert.equal(identity.issuer, devIssuerName);
      assert.equal(identity.subject, 'ada');
      assert.equal(identity.email, 'ada@example.com');
      assert.deepEqual(identity.groups, ['eng']);
      assert.equal(identity.claims.aud, devAudience);
    });
  });

  test('is off as soon as a real issuer is configured', async () => {
    await withDataDir(async (dataDir) => {
      const config = identityConfigSchema.parse({ issuers: [{ issuer: 'https://idp.example.com', audience: 'gw' }] });
      const { devIssuer } = await createAuthenticator(config, { dataDir, fetch: noNetwork });
      assert.equal(devIssuer, undefined);
    });
  });

  test('keeps its key in <dataDir>/dev-issuer with mode 0600, so tokens survive a restart', async () => {
    await withDataDir(async (dataDir) => {
      const first = await createAuthenticator(identityConfigSchema.parse({}), { dataDir });
      const token = await first.devIssuer!.sign();
      assert.equal(first.devIssuer!.keyFile, join(dataDir, 'dev-issuer', 'signing-key.jwk.json'));
      if (process.platform !== 'win32') assert.equal((await stat(first.devIssuer!.keyFile)).mode & 0o777, 0o600);

      const restarted = await createAuthenticator(identityConfigSchema.parse({}), { dataDir });
      assert.equal((await restarted.authenticator.authenticate(bearer(token))).subject, 'developer');
    });
  });

  test('a key file others can read is made private again on start', { skip: process.platform === 'win32' }, async () => {
    await withDataDir(async (dataDir) => {
      const { devIssuer } = await createAuthenticator(identityConfigSchema.parse({}), { dataDir });
      await chmod(devIssuer!.keyFile, 0o644);
      await createAuthenticator(identityConfigSchema.parse({}), { dataDir });
      assert.equal((await stat(devIssuer!.keyFile)).mode & 0o777, 0o600);
    });
  });

  test('tokens of another data directory\'s dev issuer are refused', async () => {
    await withDataDir(async (mine) => {
      await withDataDir(async (theirs) => {
        const { authenticator } = await createAuthenticator(identityConfigSchema.parse({}), { dataDir: mine });
        const other = await createAuthenticator(identityConfigSchema.parse({}), { dataDir: theirs });
        const error = await rejection(authenticator.authenticate(bearer(await other.devIssuer!.sign())));
        assert.equal(error.status, 401);
      });
    });
  });

  test('expired dev tokens are refused like any other', async () => {
    await withDataDir(async (dataDir) => {
      let clock = Date.now();
      const { authenticator, devIssuer } = await createAuthenticator(identityConfigSchema.parse({}), { dataDir, now: () => clock });
      const token = await devIssuer!.sign({ ttlSeconds: 60 });
      await authenticator.authenticate(bearer(token));
      clock += 120_000;
      assert.match((await rejection(authenticator.authenticate(bearer(token)))).message, /expired/);
    });
  });
});

describe('scribe dev-token', () => {

  test('prints a token the gateway with the same data directory accepts', async () => {
    await withDataDir(async (dataDir) => {
      const { code, out } = await captureStdout(() =>
        runDevToken(['--sub', 'ci-bot', '--email', 'bot@example.com', '--groups', 'eng, ml', '--ttl', '2h', '--data-dir', dataDir]),
      );
      assert.equal(code, 0);
      const { authenticator } = await createAuthenticator(identityConfigSchema.parse({}), { dataDir });
      const identity = await authenticator.authenticate(bearer(out.trim()));
      assert.equal(identity.subject, 'ci-bot');
      assert.equal(identity.email, 'bot@example.com');
      assert.deepEqual(identity.groups, ['eng', 'ml']);
      const claims = identity.claims as { iat: number; exp: number };
      assert.equal(claims.exp - claims.iat, 7200);
    });
  });

  test('reads the data directory from SCRIBE_DATA_DIR when --data-dir is absent', async () => {
    await withDataDir(async (dataDir) => {
      const saved = process.env.SCRIBE_DATA_DIR;
      process.env.SCRIBE_DATA_DIR = dataDir;
      try {
        const { code } = await captureStdout(() => runDevToken([]));
        assert.equal(code, 0);
        const key = JSON.parse(await readFile(join(dataDir, 'dev-issuer', 'signing-key.jwk.json'), 'utf8'));
        assert.equal(key.kty, 'EC');
      } finally {
        if (saved === undefined) delete process.env.SCRIBE_DATA_DIR;
        else process.env.SCRIBE_DATA_DIR = saved;
      }
    });
  });

  test('refuses an unreadable or excessive --ttl and unknown options', async () => {
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = (() => true) as typeof process.stderr.write;
    try {
      assert.equal(await runDevToken(['--ttl', 'forever', '--data-dir', '/nonexistent']), 2);
      assert.equal(await runDevToken(['--ttl', '90d', '--data-dir', '/nonexistent']), 2);
      assert.equal(await runDevToken(['--admin']), 2);
    } finally {
      process.stderr.write = write;
    }
  });
});
