/**
 * Serves a gateway over real HTTP on loopback, as `scribe serve` does on Node: node:http with
 * the relayed bytes written directly. SCRIBE_TEST_NODE_PATH=portable serves it through
 * @hono/node-server's Web-stream adapter instead (the path Bun and Deno share).
 */
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Gateway } from '../../src/app.ts';
import { createGatewayServer } from '../../src/runtime/node-server.ts';

export interface Served {
  url: string;
  close(): Promise<void>;
}

export const portablePath = process.env.SCRIBE_TEST_NODE_PATH === 'portable';

export async function serveGateway(gateway: Gateway): Promise<Served> {
  const server = await new Promise<Server>((resolve) => {
    if (portablePath) {
      const s = serve({ fetch: gateway.fetch, port: 0, hostname: '127.0.0.1', serverOptions: { maxHeaderSize: 64 * 1024 } }, () => resolve(s as Server));
      return;
    }
    const s = createGatewayServer(gateway);
    s.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
