import { ConfigError } from './errors.ts';

type Section = Record<string, unknown>;
type RawConfig = Record<string, unknown>;

/**
 * The environment variables of the interface contract, laid over a config file's contents.
 * The environment wins where both speak.
 */
export function applyEnvironment(raw: RawConfig, env: Record<string, string | undefined>): RawConfig {
  const config: RawConfig = structuredClone(raw);
  const problems: string[] = [];
  const section = (name: string): Section => {
    const existing = config[name];
    if (existing && typeof existing === 'object') return existing as Section;
    const created: Section = {};
    config[name] = created;
    return created;
  };

  if (env.PORT !== undefined) {
    const port = Number(env.PORT);
    if (!Number.isInteger(port) || port < 0 || port > 65535) problems.push(`PORT: expected a port number, got "${env.PORT}"`);
    else section('server').port = port;
  }
  if (env.SCRIBE_HOST) section('server').host = env.SCRIBE_HOST;
  if (env.SCRIBE_DATA_DIR) section('server').dataDir = env.SCRIBE_DATA_DIR;
  if (env.SCRIBE_INSTANCE_NAME) section('server').instanceName = env.SCRIBE_INSTANCE_NAME;

  applyDefaultConnection(section('connections'), env);

  if (env.SCRIBE_OIDC_ISSUER) applyIssuer(section('identity'), env, problems);
  else if (env.SCRIBE_OIDC_AUDIENCE || env.SCRIBE_OIDC_JWKS_URI) {
    problems.push('SCRIBE_OIDC_AUDIENCE / SCRIBE_OIDC_JWKS_URI: set SCRIBE_OIDC_ISSUER too');
  }

  const recording = section('recording');
  if (env.SCRIBE_STORE) recording.store = env.SCRIBE_STORE;
  if (env.SCRIBE_GCS_ENDPOINT) recording.gcsEndpoint = env.SCRIBE_GCS_ENDPOINT;
  if (env.SCRIBE_SPOOL_DIR) recording.spoolDir = env.SCRIBE_SPOOL_DIR;
  if (env.SCRIBE_SEAL_KEY) recording.sealKey = env.SCRIBE_SEAL_KEY;
  if (env.SCRIBE_SIGNING_KEY) recording.signingKey = env.SCRIBE_SIGNING_KEY;
  const recordingSwitch = onOff('SCRIBE_RECORDING', env.SCRIBE_RECORDING, problems);
  if (recordingSwitch !== undefined) recording.enabled = recordingSwitch;
  const workerSwitch = onOff('SCRIBE_RECORD_WORKER', env.SCRIBE_RECORD_WORKER, problems);
  if (workerSwitch !== undefined) recording.buildIn = workerSwitch ? 'worker' : 'thread';

  // The URL may carry a password: it goes into the config and nowhere else (never logged).
  if (env.SCRIBE_REDIS_URL) {
    const policy = section('policy');
    const current = policy.redis && typeof policy.redis === 'object' ? (policy.redis as Section) : {};
    policy.redis = { ...current, url: env.SCRIBE_REDIS_URL };
  }

  // OpenTelemetry's own variables, as every OTel-instrumented service reads them.
  if (env.OTEL_EXPORTER_OTLP_ENDPOINT) section('tracing').otlpEndpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (env.OTEL_SERVICE_NAME) section('tracing').serviceName = env.OTEL_SERVICE_NAME;

  const maskingSwitch = onOff('SCRIBE_MASKING', env.SCRIBE_MASKING, problems);
  if (maskingSwitch !== undefined) section('masking').enabled = maskingSwitch;

  if (problems.length) throw new ConfigError(problems);
  return config;
}

function applyDefaultConnection(connections: Section, env: Record<string, string | undefined>): void {
  const current = connections.default as Section | undefined;
  if (current && current.type !== undefined && current.type !== 'anthropic') return;
  const merged: Section = { type: 'anthropic', ...current };
  if (env.SCRIBE_UPSTREAM_URL) merged.baseUrl = env.SCRIBE_UPSTREAM_URL;
  if (env.ANTHROPIC_API_KEY) merged.apiKey = env.ANTHROPIC_API_KEY;
  if (env.ANTHROPIC_API_KEY_FILE) merged.apiKeyFile = env.ANTHROPIC_API_KEY_FILE;
  connections.default = merged;
}

function applyIssuer(identity: Section, env: Record<string, string | undefined>, problems: string[]): void {
  const issuer = env.SCRIBE_OIDC_ISSUER as string;
  const issuers = Array.isArray(identity.issuers) ? [...(identity.issuers as Section[])] : [];
  const index = issuers.findIndex((entry) => entry.issuer === issuer);
  const entry: Section = index >= 0 ? { ...issuers[index] } : { issuer };
  if (env.SCRIBE_OIDC_AUDIENCE) entry.audience = env.SCRIBE_OIDC_AUDIENCE.includes(',')
    ? env.SCRIBE_OIDC_AUDIENCE.split(',').map((a) => a.trim()).filter(Boolean)
    : env.SCRIBE_OIDC_AUDIENCE;
  if (env.SCRIBE_OIDC_JWKS_URI) entry.jwksUri = env.SCRIBE_OIDC_JWKS_URI;
  if (entry.audience === undefined) {
    problems.push('SCRIBE_OIDC_AUDIENCE: required when SCRIBE_OIDC_ISSUER is set (tokens must be meant for this gateway)');
  }
  if (index >= 0) issuers[index] = entry;
  else issuers.push(entry);
  identity.issuers = issuers;
}

function onOff(name: string, value: string | undefined, problems: string[]): boolean | undefined {
  if (value === undefined || value === '') return undefined;
  const v = value.toLowerCase();
  if (v === 'on' || v === 'true' || v === '1') return true;
  if (v === 'off' || v === 'false' || v === '0') return false;
  problems.push(`${name}: expected "on" or "off", got "${value}"`);
  return undefined;
}
