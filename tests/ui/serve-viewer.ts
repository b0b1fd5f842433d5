/** Serves `scribe ui`'s app over real HTTP on 127.0.0.1, as the CLI does. */
import { serve } from '@hono/node-server';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { identityConfigSchema, type IdentityConfigInput } from '../../src/identity/config.ts';
import type { PolicyRule } from '../../src/policy/index.ts';
import { openViewer, type OpenedViewer, type ViewerConfig } from '../../src/ui/index.ts';

export interface ServedViewer {
  url: string;
  viewer: OpenedViewer;
  close(): Promise<void>;
}

export async function serveViewer(options: {
  store: string;
  root: string;
  identity?: IdentityConfigInput;
  policyRules?: PolicyRule[];
  iap?: ViewerConfig['iap'];
  instanceId?: string;
}): Promise<ServedViewer> {
  const viewer = await openViewer({
    store: options.store,
    spoolDir: join(options.root, `ui-spool-${options.instanceId ?? 'viewer'}`),
    instanceId: options.instanceId ?? 'ui-test',
    identity: identityConfigSchema.parse(options.identity ?? {}),
    policyRules: options.policyRules ?? [],
    ...(options.iap ? { iap: options.iap } : {}),
    auditCache: join(options.root, `audit-cache-${options.instanceId ?? 'viewer'}.sqlite`),
    accessBatchMaxAgeMs: 20,
    log: () => {},
  });
  const server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: viewer.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s as Server));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    viewer,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await viewer.close();
    },
  };
}
