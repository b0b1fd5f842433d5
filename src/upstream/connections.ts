import { readFile } from 'node:fs/promises';
import type { ConnectionConfig } from './config.ts';
import type { Connection } from './connection.ts';
import { anthropicConnection } from './anthropic.ts';
import { vertexConnection, type AccessTokenSource } from './vertex.ts';
import { resolveSwitches, type SwitchDefaults } from './switches.ts';

/**
 * Builds every configured connection; secret files are read here, once, at start-up.
 * googleToken replaces Google's credentials for Vertex AI connections (tests, embedding).
 */
export async function openConnections(
  configs: Record<string, ConnectionConfig>,
  defaults: SwitchDefaults,
  googleToken?: AccessTokenSource,
): Promise<Map<string, Connection>> {
  const connections = new Map<string, Connection>();
  for (const [name, config] of Object.entries(configs)) {
    const switches = resolveSwitches(name, config, defaults);
    if (config.type === 'anthropic') {
      connections.set(name, anthropicConnection(name, config.baseUrl, await anthropicKey(config), switches));
    } else {
      connections.set(name, await vertexConnection(name, config, googleToken, switches));
    }
  }
  return connections;
}

/** The upstream key, from its file (a mounted secret) or the config/environment. */
export async function anthropicKey(config: Extract<ConnectionConfig, { type: 'anthropic' }>): Promise<string | undefined> {
  return config.apiKeyFile ? (await readFile(config.apiKeyFile, 'utf8')).trim() : config.apiKey;
}
