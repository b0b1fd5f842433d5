/**
 * A gateway in front of both upstreams, with real recording and masking: the "default"
 * connection goes to the test Anthropic upstream, "vertex" to the fake Vertex AI, whose
 * Google access token the gateway gets from an injected token source (google-auth-library
 * cannot reach Google here). Connections are built from config as `scribe serve` builds them.
 */
import { rm } from 'node:fs/promises';
import { defineConfig } from '../../src/config/load.ts';
import type { Authenticator } from '../../src/identity/identity.ts';
import { createAuthenticator } from '../../src/identity/index.ts';
import { createMasker } from '../../src/mask/index.ts';
import { createRecorder, type ScribeRecorder } from '../../src/record/index.ts';
import type { ExchangeRecord } from '../../src/record/record.ts';
import type { Connection } from '../../src/upstream/connection.ts';
import { openConnections } from '../../src/upstream/connections.ts';
import type { ConnectionConfig } from '../../src/upstream/config.ts';
import { config as maskingConfig } from '../mask/fixtures.ts';
import { configFor, storedRecords, tempDir } from '../record/store-helpers.ts';
import { startCoreHarness, type CoreHarness } from './core-gateway.ts';
import { startFakeVertex, type FakeVertex } from './vertex-upstream.ts';

export interface VertexHarness extends CoreHarness {
  vertex: FakeVertex;
  recorder: ScribeRecorder;
  store: string;
  /** Which header carried each caller's credential, in the order calls arrived. */
  credentialHeaders: string[];
  /** Every stored record, once `count` exchanges are recorded and uploaded. */
  records(count: number): Promise<ExchangeRecord[]>;
}

/** `more` adds connections, given where the two upstreams are. */
export async function startVertexHarness(
  more: (vertex: FakeVertex, upstream: CoreHarness['upstream']) => Record<string, unknown> = () => ({}),
): Promise<VertexHarness> {
  const vertex = await startFakeVertex();
  const recording = configFor(await tempDir('vertex'));
  const recorder = await createRecorder(recording, { log: () => {} });
  const connections = new Map<string, Connection>();
  // The development issuer's authenticator, watched: which header each caller's token came in.
  const authDir = await tempDir('vertex-auth');
  const { authenticator, devIssuer } = await createAuthenticator(defineConfig({ server: { dataDir: authDir } }).identity, { dataDir: authDir });
  const credentialHeaders: string[] = [];
  const watched: Authenticator = {
    authenticate(headers) {
      credentialHeaders.push(headers.has('authorization') ? 'authorization' : headers.has('x-api-key') ? 'x-api-key' : 'none');
      return authenticator.authenticate(headers);
    },
  };
  const harness = await startCoreHarness({ parts: { connections, recorder, masker: createMasker(maskingConfig()), authenticator: watched } });
  const config = defineConfig({
    connections: {
      default: { type: 'anthropic', baseUrl: harness.upstream.url, apiKey: harness.upstream.apiKey },
      vertex: { type: 'vertex', projectId: vertex.project, region: vertex.region, baseUrl: vertex.url },
      ...(more(vertex, harness.upstream) as Record<string, ConnectionConfig>),
    },
  });
  const opened = await openConnections(config.connections, { recording: true, masking: true, prompts: { '*': 'allow' } }, async () => vertex.accessToken);
  for (const [name, connection] of opened) connections.set(name, connection);
  return {
    ...harness,
    token: await devIssuer!.sign({ subject: 'dev@example.com', email: 'dev@example.com' }),
    credentialHeaders,
    vertex,
    recorder,
    store: recording.store,
    async records(count) {
      for (;;) {
        await recorder.flush();
        const { recorded, pendingBytes } = recorder.stats();
        if (recorded >= count && pendingBytes === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return storedRecords(recording.store);
    },
    async close() {
      await harness.close();
      await vertex.close();
      await recorder.close();
      await rm(authDir, { recursive: true, force: true });
    },
  };
}
