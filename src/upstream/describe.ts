import { access, constants } from 'node:fs/promises';
import type { ConnectionConfig } from './config.ts';
import { resolveSwitches, type ConnectionSwitches, type SwitchDefaults } from './switches.ts';
import { vertexTarget } from './vertex.ts';

/** What an operator may see of a connection: never the credential itself. */
export interface ConnectionDescription {
  name: string;
  type: ConnectionConfig['type'];
  target: string;
  /** Whether the gateway holds a credential for it, and from where; 'deferred': Google's, found at the first call. */
  credential: { state: 'loaded' | 'missing' | 'deferred'; source: string };
  switches: ConnectionSwitches;
}

export async function describeConnections(configs: Record<string, ConnectionConfig>, defaults: SwitchDefaults): Promise<ConnectionDescription[]> {
  return Promise.all(
    Object.entries(configs).map(async ([name, config]) => ({
      name,
      type: config.type,
      target: config.type === 'anthropic' ? config.baseUrl.replace(/\/+$/, '') : vertexTarget(config),
      credential: await credentialOf(config),
      switches: resolveSwitches(name, config, defaults),
    })),
  );
}

type Credential = ConnectionDescription['credential'];

async function credentialOf(config: ConnectionConfig): Promise<Credential> {
  if (config.type === 'anthropic') {
    if (config.apiKeyFile) return readable(config.apiKeyFile, 'key file');
    return config.apiKey ? { state: 'loaded', source: 'api key (ANTHROPIC_API_KEY or config)' } : { state: 'missing', source: 'set ANTHROPIC_API_KEY or apiKeyFile' };
  }
  if (config.credentialsFile) return readable(config.credentialsFile, 'service account file');
  // google-auth-library resolves Application Default Credentials at the first call, over the network.
  return { state: 'deferred', source: 'Google application default credentials, resolved at the first call' };
}

async function readable(path: string, what: string): Promise<Credential> {
  try {
    await access(path, constants.R_OK);
    return { state: 'loaded', source: `${what} ${path}` };
  } catch (error) {
    return { state: 'missing', source: `${what} ${path} is not readable (${(error as NodeJS.ErrnoException).code ?? 'error'})` };
  }
}
