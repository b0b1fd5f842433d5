import { hostname } from 'node:os';
import type { GatewayParts } from '../app.ts';
import type { GatewayConfig } from '../config/schema.ts';
import type { DevIssuer } from '../identity/dev-issuer.ts';
import type { Logger } from '../log/logger.ts';
import type { CallMasker } from '../proxy/handle-call.ts';
import type { Connection } from '../upstream/connection.ts';
import { createAuthenticator } from '../identity/index.ts';
import { createPolicy, openLimits, type Limits, type Policy } from '../policy/index.ts';
import { openSigningKey } from '../checkpoint/signing-key.ts';
import { createRecorder } from '../record/index.ts';
import { noRecorder } from '../record/recorder.ts';
import { openConnections } from '../upstream/connections.ts';
import { switchDefaults } from '../upstream/switches.ts';
import { GatewayMetrics } from '../metrics/gateway-metrics.ts';
import { countingMasker } from '../metrics/counting-masker.ts';
import { Tracer } from '../trace/tracer.ts';

export interface AssembledParts extends GatewayParts {
  /** Set when no issuer is configured: the gateway must stay on loopback. */
  devIssuer?: DevIssuer;
}

/** The parts a reload replaces: what a call is checked against and sent through. */
export interface ReloadableParts {
  connections: ReadonlyMap<string, Connection>;
  policy: Policy;
  masker: CallMasker | undefined;
}

/** Whether any connection needs masking or recording, though it is off gateway-wide. */
function needs(config: GatewayConfig, connections: ReadonlyMap<string, Connection>): { masking: boolean; recording: boolean } {
  const switches = [...connections.values()].map((connection) => connection.switches!);
  return {
    masking: config.masking.enabled || switches.some((s) => s.maskAnswers || s.prompts !== 'allow'),
    recording: config.recording.enabled || switches.some((s) => s.recording),
  };
}

/**
 * Builds connections, policy and masker from a config. Limits and metrics are passed in: they
 * outlive a reload, so a caller's counts survive a policy change.
 */
export async function assembleReloadable(config: GatewayConfig, shared: { limits: Limits; metrics: GatewayMetrics | undefined }): Promise<ReloadableParts> {
  const connections = await openConnections(config.connections, switchDefaults(config));
  const policy = createPolicy(config.policy, { limits: shared.limits });
  // Masking loads only when some connection uses it: with it off, its modules cost nothing.
  const masker = needs(config, connections).masking ? (await import('../mask/index.ts')).createMasker({ ...config.masking, enabled: true }) : undefined;
  return { connections, policy, masker: masker && shared.metrics ? countingMasker(masker, shared.metrics) : masker };
}

/** Builds each concern's part from its section of the config. */
export async function assembleParts(config: GatewayConfig, log: Logger): Promise<AssembledParts> {
  const metrics = config.metrics.enabled ? new GatewayMetrics() : undefined;
  const { authenticator, devIssuer } = await createAuthenticator(config.identity, {
    dataDir: config.server.dataDir,
    ...(metrics ? { onKeyRefresh: (issuer: string, ok: boolean) => metrics.keyRefresh(issuer, ok) } : {}),
  });
  const limits = await openLimits(config.policy, {
    warn: (message) => log.log('warn', message, { concern: 'policy' }),
    ...(metrics ? { unavailable: () => metrics.limitsUnavailable() } : {}),
  });
  const reloadable = await assembleReloadable(config, { limits, metrics });
  const { masking, recording } = needs(config, reloadable.connections);
  // Sealing loads only when configured.
  const sealer = config.recording.sealKey ? await (await import('../seal/index.ts')).loadSealer(config.recording.sealKey) : undefined;
  const signingKey = recording ? await openSigningKey({ keyFile: config.recording.signingKey, dataDir: config.server.dataDir }) : undefined;
  // Findings exist only with masking on; their digests are keyed (the key never leaves this process).
  const digester = masking && recording
    ? await (await import('../mask/digest-key-file.ts')).openFindingDigester(config.masking, config.server.dataDir)
    : undefined;
  const recorder = recording
    ? await createRecorder({ ...config.recording, enabled: true }, {
        ...(sealer ? { sealer } : {}),
        ...(digester ? { digester } : {}),
        // Replicas on one host share its name; the spool adds random digits to a new chain's id.
        instanceName: config.server.instanceName ?? hostname(),
        log: (message) => log.log('warn', message, { concern: 'recording' }),
        signingKey,
        // One line per checkpoint: Cloud Logging keeps these apart from the bucket.
        publishCheckpoint: ({ name, jws }) => log.log('info', 'checkpoint', { concern: 'checkpoint', name, jws }),
      })
    : noRecorder;
  const tracer = config.tracing.otlpEndpoint
    ? new Tracer({ ...config.tracing, otlpEndpoint: config.tracing.otlpEndpoint }, { warn: (message) => log.log('warn', message, { concern: 'tracing' }) })
    : undefined;
  return {
    config,
    ...(tracer ? { tracer } : {}),
    ...reloadable,
    authenticator,
    limits,
    recorder,
    log,
    ...(signingKey ? { checkpointKey: signingKey.publicJwk } : {}),
    ...(metrics ? { metrics } : {}),
    ...(devIssuer ? { devIssuer } : {}),
  };
}
