import { readFile } from 'node:fs/promises';
import type { ConnectionConfig } from './config.ts';
import type { Connection } from './connection.ts';
import { anthropicConnection } from './anthropic.ts';
import { vertexConnection } from './vertex.ts';

/** Builds every configured connection; secret files are read here, once, at start-up. */
export async function openConnections(configs: Record<string, ConnectionConfig>): Promise<Map<string, Connection>> {
  const connections = new Map<string, Connection>();
  for (const [name, config] of Object.entries(configs)) {
    if (config.type === 'anthropic') {
      const key = config.apiKeyFile ? (await readFile(config.apiKeyFile, 'utf8')).trim() : config.apiKey;
      connections.set(name, anthropicConnection(name, config.baseUrl, key));
    } else {
      connections.set(name, await vertexConnection(name, config));
    }
  }
  return connections;
}
