/** Serves a gateway over real HTTP on loopback (the Node adapter the `scribe serve` command uses). */
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Gateway } from '../../src/app.ts';

export interface Served {
  url: string;
  close(): Promise<void>;
}

export async function serveGateway(gateway: Gateway): Promise<Served> {
  const server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: gateway.fetch, port: 0, hostname: '127.0.0.1', serverOptions: { maxHeaderSize: 64 * 1024 } }, () => resolve(s as Server));
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
