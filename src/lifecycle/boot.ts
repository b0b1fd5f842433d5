import { createGateway, type Gateway } from '../app.ts';
import type { GatewayConfig } from '../config/schema.ts';
import { loadConfig } from '../config/load.ts';
import { ConfigError } from '../config/errors.ts';
import { SigningKeyError } from '../checkpoint/signing-key.ts';
import { SpoolLockedError } from '../store/spool-lock.ts';
import { createLogger, type Logger } from '../log/logger.ts';
import type { UpstreamTransport } from '../upstream/transport.ts';

export interface Booted {
  gateway: Gateway;
  config: GatewayConfig;
  log: Logger;
}

/** Said by each runtime once bound, with the real port (PORT=0 picks a free one). */
export function announceListening(host: string, port: number): void {
  console.error(`scribe: listening on http://${host.includes(':') ? `[${host}]` : host}:${port}`);
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|\[::1\]|localhost)$/;

/**
 * Everything `scribe serve` does before a runtime listens: config, parts, the safety checks
 * and the start-up banner. A bad config ends here with its message, never a stack trace.
 */
export async function boot(env: Record<string, string | undefined>, runtime: { transport?: UpstreamTransport } = {}): Promise<Booted | undefined> {
  const log = createLogger({ level: env.SCRIBE_LOG_LEVEL === 'debug' ? 'debug' : 'info' });
  let config: GatewayConfig;
  try {
    config = await loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`scribe: ${error.message}`);
      return undefined;
    }
    throw error;
  }
  let created;
  try {
    created = await createGateway(config, { log, ...runtime });
  } catch (error) {
    if (error instanceof SpoolLockedError || error instanceof SigningKeyError) {
      console.error(`scribe: ${error.message}`);
      return undefined;
    }
    throw error;
  }
  const { gateway, devIssuer } = created;
  if (devIssuer && !LOOPBACK.test(config.server.host)) {
    console.error(
      `scribe: refusing to listen on ${config.server.host}: no identity issuer is configured, so only the local development issuer would guard the gateway. Set SCRIBE_OIDC_ISSUER and SCRIBE_OIDC_AUDIENCE, or listen on 127.0.0.1.`,
    );
    await gateway.close(0);
    return undefined;
  }
  for (const line of banner(config, devIssuer !== undefined)) console.error(line);
  return { gateway, config, log };
}

function banner(config: GatewayConfig, devIssuer: boolean): string[] {
  const lines: string[] = [];
  for (const [name, connection] of Object.entries(config.connections)) {
    if (connection.type === 'anthropic') {
      const credential = connection.apiKey || connection.apiKeyFile ? 'credential set' : 'NO upstream credential set (ANTHROPIC_API_KEY): calls will be refused until one is';
      lines.push(`scribe: connection "${name}" -> ${connection.baseUrl} (${credential})`);
    } else {
      lines.push(`scribe: connection "${name}" -> Vertex AI ${connection.projectId}/${connection.region}`);
    }
  }
  if (devIssuer) {
    lines.push('scribe: DEVELOPMENT MODE: no OIDC issuer configured; tokens come from the local development issuer');
    lines.push('scribe:   get one with `npx scribe dev-token`; the gateway stays on loopback until SCRIBE_OIDC_ISSUER is set');
  } else {
    lines.push(`scribe: trusted issuers: ${config.identity.issuers.map((i) => i.issuer).join(', ')}`);
  }
  lines.push(`scribe: masking ${config.masking.enabled ? 'on' : 'off'}; recording ${config.recording.enabled ? `to ${config.recording.store}` : 'off'}`);
  return lines;
}
