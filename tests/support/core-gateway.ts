/**
 * A gateway over real HTTP in front of the test upstream, with the real development-issuer
 * authenticator. Policy allows every verified caller and recording is off unless a test
 * passes its own: these tests are about the pass-through itself.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeGateway, type Gateway, type GatewayParts } from '../../src/app.ts';
import { defineConfig } from '../../src/config/load.ts';
import type { GatewayConfigInput } from '../../src/config/schema.ts';
import { createAuthenticator } from '../../src/identity/index.ts';
import type { Policy } from '../../src/policy/policy.ts';
import { noRecorder } from '../../src/record/recorder.ts';
import { anthropicConnection } from '../../src/upstream/anthropic.ts';
import { silentLogger } from '../../src/log/logger.ts';
import { nodeTransport } from '../../src/runtime/node-transport.ts';
import { portablePath, serveGateway } from './serve.ts';
import { startUpstream, type TestUpstream } from './upstream.ts';

export const allowAll: Policy = {
  authorize: () => ({ rule: 'test-allow-all' }),
  recordUsage: () => {},
};

export interface CoreHarness {
  url: string;
  token: string;
  upstream: TestUpstream;
  gateway: Gateway;
  close(): Promise<void>;
}

export async function startCoreHarness(options: { config?: GatewayConfigInput; parts?: Partial<GatewayParts>; apiKey?: string | null } = {}): Promise<CoreHarness> {
  const upstream = await startUpstream();
  const dataDir = await mkdtemp(join(tmpdir(), 'scribe-core-'));
  const config = defineConfig({ ...options.config, server: { dataDir, ...options.config?.server } });
  const { authenticator, devIssuer } = await createAuthenticator(config.identity, { dataDir });
  const apiKey = options.apiKey === null ? undefined : (options.apiKey ?? upstream.apiKey);
  const gateway = composeGateway({
    config,
    connections: new Map([['default', anthropicConnection('default', upstream.url, apiKey)]]),
    authenticator,
    policy: allowAll,
    masker: undefined,
    recorder: noRecorder,
    log: silentLogger,
    ...(portablePath ? {} : { transport: nodeTransport() }),
    ...options.parts,
  });
  const served = await serveGateway(gateway);
  const token = await devIssuer!.sign({ subject: 'dev@example.com', email: 'dev@example.com' });
  return {
    url: served.url,
    token,
    upstream,
    gateway,
    async close() {
      await served.close();
      await upstream.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
