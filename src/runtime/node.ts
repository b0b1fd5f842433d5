/** Node entry point: serves the gateway on node:http with undici upstream, shuts down gracefully. */
import { serve } from '@hono/node-server';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Gateway } from '../app.ts';
import type { GatewayConfig } from '../config/schema.ts';
import { announceListening, boot } from '../lifecycle/boot.ts';
import { metricsEndpoint } from '../metrics/endpoint.ts';
import { createGatewayServer } from './node-server.ts';
import { nodeTransport } from './node-transport.ts';

/** metrics.port: a listener of its own serving GET /metrics, for the scraper only. */
async function serveMetricsPort(gateway: Gateway, config: GatewayConfig): Promise<Server | undefined> {
  if (gateway.metrics === undefined || config.metrics.port === undefined) return undefined;
  const host = config.metrics.host ?? config.server.host;
  const server = serve({ fetch: metricsEndpoint(gateway.metrics), port: config.metrics.port, hostname: host }) as Server;
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  }).catch((error: NodeJS.ErrnoException) => {
    console.error(`scribe: cannot serve metrics on ${host}:${config.metrics.port}: ${error.code ?? error.message}`);
    process.exit(1);
  });
  return server;
}

export async function runNode(): Promise<number> {
  const transport = nodeTransport();
  const booted = await boot(process.env, { transport });
  if (!booted) return 1;
  const { gateway, config, reload } = booted;
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
  const metricsServer = await serveMetricsPort(gateway, config);

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
      metricsServer?.close();
      await transport.close().catch(() => {});
      console.error('scribe: stopped');
      resolve(0);
    };
    process.once('SIGTERM', () => void stop('SIGTERM'));
    process.once('SIGINT', () => void stop('SIGINT'));
    process.on('SIGHUP', () => void reload());
  });
}
