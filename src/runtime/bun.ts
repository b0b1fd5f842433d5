/** Bun entry point: `bun src/runtime/bun.ts`. Serves the same Web-standard gateway with Bun.serve. */
import { announceListening, boot } from '../lifecycle/boot.ts';

const booted = await boot(process.env);
if (!booted) process.exit(1);
const { gateway, config } = booted;
// idleTimeout 0: SSE streams may be quiet longer than Bun's 10 s default; the gateway times them out itself.
const server = Bun.serve({ fetch: gateway.fetch, port: config.server.port, hostname: config.server.host, idleTimeout: 0 });
announceListening(config.server.host, server.port as number);

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.error(`scribe: ${signal}: no new connections; letting ${gateway.openStreams.size} open stream(s) finish`);
  const finished = server.stop(false);
  await gateway.close(config.server.shutdownGraceMs);
  await Promise.race([finished, new Promise((resolve) => setTimeout(resolve, 100))]);
  server.stop(true);
  console.error('scribe: stopped');
  process.exit(0);
}
process.once('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGHUP', () => void booted.reload());
process.once('SIGINT', () => void stop('SIGINT'));
