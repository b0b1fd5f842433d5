/** Node entry point: serves the gateway with @hono/node-server and shuts down gracefully. */
import { serve } from '@hono/node-server';
import type { Server } from 'node:http';
import { announceListening, boot } from '../lifecycle/boot.ts';
import type { AddressInfo } from 'node:net';
import type { Gateway } from '../app.ts';
import type { GatewayConfig } from '../config/schema.ts';
import { metricsEndpoint } from '../metrics/endpoint.ts';

/**
 * @hono/node-server probes a streamed body before sending headers: when the first chunk is
 * ready but the second is not, it waits a timer tick (about 1 ms) to see whether the body is
 * short enough for a content-length. A body declared chunked goes out at once.
 */
function declareChunked(response: Response): Response {
  if (response.body !== null && !response.headers.has('content-length')) response.headers.set('transfer-encoding', 'chunked');
  return response;
}

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
  console.error(`scribe: metrics on http://${host.includes(':') ? `[${host}]` : host}:${(server.address() as AddressInfo).port}/metrics`);
  return server;
}

export async function runNode(): Promise<number> {
  const booted = await boot(process.env);
  if (!booted) return 1;
  const { gateway, config, reload } = booted;
  // Node's 16 KiB header limit would answer an oversized token with a bare 431; at 64 KiB the
  // gateway itself refuses it with an Anthropic-shaped 401.
  const server = serve({
    fetch: (request) => gateway.fetch(request).then(declareChunked),
    port: config.server.port,
    hostname: config.server.host,
    serverOptions: { maxHeaderSize: 64 * 1024 },
  }) as Server;
  // Streams may be quiet for minutes; the gateway's own idle timeout governs them.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
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
      console.error('scribe: stopped');
      resolve(0);
    };
    process.once('SIGTERM', () => void stop('SIGTERM'));
    process.once('SIGINT', () => void stop('SIGINT'));
    process.on('SIGHUP', () => void reload());
  });
}
