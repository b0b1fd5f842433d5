/** Deno entry point: `deno run -A src/runtime/deno.ts`. Serves the same Web-standard gateway with Deno.serve. */
import { announceListening, boot } from '../lifecycle/boot.ts';

const booted = await boot(Deno.env.toObject());
if (!booted) Deno.exit(1);
const { gateway, config } = booted;
const server = Deno.serve({ port: config.server.port, hostname: config.server.host, onListen: ({ port }) => announceListening(config.server.host, port) }, gateway.fetch);

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.error(`scribe: ${signal}: no new connections; letting ${gateway.openStreams.size} open stream(s) finish`);
  const finished = server.shutdown();
  await gateway.close(config.server.shutdownGraceMs);
  await Promise.race([finished, new Promise((resolve) => setTimeout(resolve, 100))]);
  console.error('scribe: stopped');
  Deno.exit(0);
}
Deno.addSignalListener('SIGTERM', () => void stop('SIGTERM'));
Deno.addSignalListener('SIGHUP', () => void booted.reload());
Deno.addSignalListener('SIGINT', () => void stop('SIGINT'));
