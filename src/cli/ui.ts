/**
 * `scribe ui [--store <url>] [--port <n>] [--host <addr>]`: serves the audit viewer. Without an
 * identity provider it listens on loopback only; with issuers configured (SCRIBE_OIDC_ISSUER or
 * SCRIBE_CONFIG) or Google IAP (--iap-audience) every request needs a verified identity that a
 * policy rule with `audit: true` grants.
 */
import { serve } from '@hono/node-server';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load.ts';
import { ConfigError } from '../config/errors.ts';
import { openViewer } from '../ui/index.ts';

const usage = `Usage: scribe ui [--store <url>] [--port <n>] [--host <addr>] [--spool-dir <dir>]
                 [--iap-audience <aud>] [--iap-jwks-uri <url>]
Serves the audit viewer (default http://127.0.0.1:8788). The store is --store or SCRIBE_STORE.
Loopback only unless an identity provider is configured: issuers from SCRIBE_OIDC_ISSUER or
SCRIBE_CONFIG, or Google IAP (--iap-audience, or SCRIBE_IAP_AUDIENCE). Then every request needs
a verified identity, and a policy rule with "audit: true" that matches it.
Views, exports and reveals are recorded in the store (connection "scribe-ui").
`;

const loopback = new Set(['127.0.0.1', 'localhost', '::1']);

export async function runUi(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        store: { type: 'string' }, 'gcs-endpoint': { type: 'string' }, port: { type: 'string' }, host: { type: 'string' },
        'spool-dir': { type: 'string' }, 'iap-audience': { type: 'string' }, 'iap-jwks-uri': { type: 'string' }, help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    process.stderr.write(`scribe ui: ${(error as Error).message}\n${usage}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(usage);
    return 0;
  }
  const port = Number(values.port ?? process.env.SCRIBE_UI_PORT ?? 8788);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`scribe ui: --port must be a port number, not ${values.port}\n`);
    return 2;
  }
  const host = values.host ?? '127.0.0.1';
  let config;
  try {
    config = await loadConfig(process.env);
  } catch (error) {
    process.stderr.write(`scribe ui: ${error instanceof ConfigError ? error.message : (error as Error).message}\n`);
    return 2;
  }
  const store = values.store ?? process.env.SCRIBE_STORE ?? config.recording.store;
  const gcsEndpoint = values['gcs-endpoint'] ?? process.env.SCRIBE_GCS_ENDPOINT ?? config.recording.gcsEndpoint;
  const iapAudience = values['iap-audience'] ?? process.env.SCRIBE_IAP_AUDIENCE;
  const log = (message: string) => process.stderr.write(`${message}\n`);
  let viewer;
  try {
    viewer = await openViewer({
      store,
      ...(gcsEndpoint ? { gcsEndpoint } : {}),
      spoolDir: values['spool-dir'] ?? `${config.server.dataDir}/ui-spool`,
      identity: config.identity,
      policyRules: config.policy.rules,
      dataDir: config.server.dataDir,
      ...(iapAudience ? { iap: { audience: iapAudience, ...(values['iap-jwks-uri'] ? { jwksUri: values['iap-jwks-uri'] } : {}) } } : {}),
      log,
    });
  } catch (error) {
    process.stderr.write(`scribe ui: ${(error as Error).message}\n`);
    return 1;
  }
  if (!viewer.authenticated && !loopback.has(host)) {
    process.stderr.write(`scribe ui: refusing to listen on ${host}: with no identity provider configured the viewer serves loopback only (set SCRIBE_OIDC_ISSUER, or --iap-audience behind Google IAP)\n`);
    await viewer.close();
    return 2;
  }
  const server = serve({ fetch: viewer.fetch, port, hostname: host }) as Server;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
  } catch (error) {
    process.stderr.write(`scribe ui: cannot listen on ${host}:${port}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}\n`);
    await viewer.close();
    return 1;
  }
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  log(`scribe ui: listening on http://${shown}:${address.port} (store ${viewer.reader.store}; ${viewer.authenticated ? 'sign-in required, audit grant checked' : 'loopback only, no sign-in'})`);
  return new Promise<number>((resolve) => {
    const stop = async (signal: string) => {
      log(`scribe ui: ${signal}: stopping`);
      server.close();
      server.closeAllConnections();
      await viewer.close();
      resolve(0);
    };
    process.once('SIGTERM', () => void stop('SIGTERM'));
    process.once('SIGINT', () => void stop('SIGINT'));
  });
}
