import { readFile } from 'node:fs/promises';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { ConfigError } from './errors.ts';
import { applyEnvironment } from './env.ts';
import { gatewayConfigSchema, type GatewayConfig, type GatewayConfigInput } from './schema.ts';

/** Validates a config object as the gateway would, with errors that name key and problem. */
export function parseConfig(input: unknown, origin = 'config'): GatewayConfig {
  const result = gatewayConfigSchema.safeParse(input ?? {});
  if (!result.success) throw ConfigError.fromZod(result.error, origin);
  return result.data;
}

/** Builds a full config from a partial one (tests, embedding). */
export function defineConfig(input: GatewayConfigInput = {}): GatewayConfig {
  return parseConfig(input, 'inline config');
}

/** The config file named by SCRIBE_CONFIG (if any), with the environment laid over it. */
export async function loadConfig(env: Record<string, string | undefined>): Promise<GatewayConfig> {
  const path = env.SCRIBE_CONFIG;
  let raw: Record<string, unknown> = {};
  if (path) raw = await readConfigFile(path);
  const origin = path ? `${path} + environment` : 'environment';
  return parseConfig(applyEnvironment(raw, env), origin);
}

async function readConfigFile(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError([`SCRIBE_CONFIG: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`]);
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (error) {
    const where = error instanceof YAMLParseError && error.linePos ? ` at line ${error.linePos[0].line}` : '';
    throw new ConfigError([`${path}: not valid YAML${where}: ${(error as Error).message.split('\n')[0]}`]);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError([`${path}: the top level must be a mapping of sections (server, connections, identity, ...)`]);
  }
  return parsed as Record<string, unknown>;
}
