/** Node entry point: serves the gateway on node:http with undici upstream, shuts down gracefully. */
import type { AddressInfo } from 'node:net';
import { announceListening, boot } from '../lifecycle/boot.ts';
import { createGatewayServer } from './node-server.ts';
import { nodeTransport } from './node-transport.ts';

export async function runNode(): Promise<number> {
  const transport = nodeTransport();
  const booted = await boot(process.env, { transport });
  if (!booted) return 1;
  const { gateway, config } = booted;
  const server = createGatewayServer(gateway);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
    server.listen(config.server.port, config.server.host);
  }).catch((error: NodeJS.ErrnoException) => {
    console.error(`scribe: cannot listen on ${config.server.host}:${config.server.port}: ${error.code ?? error.message}`);
    process.exit(1);
  });
  announceListening(config.server.host, (server.address() as AddressInfo).port);

  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = async (signal: string): Promise<void> => {
      if (stopping) return;
      stopping = true;
      console.error(`scribe: ${signal}: no new connections; letting ${gateway.openStreams.size} open stream(s) finish`);
      server.close();
      server.closeIdleConnections();
      await gateway.close(config.server.shutdownGraceMs);
      server.closeAllConnections();
      await transport.close().catch(() => {});
      console.error('scribe: stopped');
      resolve(0);
    };
    process.once('SIGTERM', () => void stop('SIGTERM'));
    process.once('SIGINT', () => void stop('SIGINT'));
  });
}
