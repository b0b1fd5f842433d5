import { hostname } from 'node:os';
import type { GatewayParts } from '../app.ts';
import type { GatewayConfig } from '../config/schema.ts';
import type { DevIssuer } from '../identity/dev-issuer.ts';
import type { Logger } from '../log/logger.ts';
import type { CallMasker } from '../proxy/handle-call.ts';
import type { Connection } from '../upstream/connection.ts';
import { createAuthenticator } from '../identity/index.ts';
import { createPolicy, openLimits, type Limits, type Policy } from '../policy/index.ts';
import { createRecorder } from '../record/index.ts';
import { noRecorder } from '../record/recorder.ts';
import { openConnections } from '../upstream/connections.ts';
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

/**
 * Builds connections, policy and masker from a config. Limits and metrics are passed in: they
 * outlive a reload, so a caller's counts survive a policy change.
 */
export async function assembleReloadable(config: GatewayConfig, shared: { limits: Limits; metrics: GatewayMetrics | undefined }): Promise<ReloadableParts> {
  const connections = await openConnections(config.connections);
  const policy = createPolicy(config.policy, { limits: shared.limits });
  // Masking loads only when configured: with it off, its modules cost nothing.
  const masker = config.masking.enabled ? (await import('../mask/index.ts')).createMasker(config.masking) : undefined;
  return { connections, policy, masker: masker && shared.metrics ? countingMasker(masker, shared.metrics) : masker };
}

/** Builds each concern's part from its section of the config. */
export async function assembleParts(config: GatewayConfig, log: Logger): Promise<AssembledParts> {
  const metrics = config.metrics.enabled ? new GatewayMetrics() : undefined;
  const { authenticator, devIssuer } = await createAuthenticator(config.identity, {
    dataDir: config.server.dataDir,
    ...(metrics ? { onKeyRefresh: (issuer: string, ok: boolean) => metrics.keyRefresh(issuer, ok) } : {}),
  });
  const sealer = config.recording.sealKey ? await (await import('../seal/index.ts')).loadSealer(config.recording.sealKey) : undefined;
  const recorder = config.recording.enabled
    ? await createRecorder(config.recording, {
        ...(sealer ? { sealer } : {}),
        // Replicas on one host share its name; the spool adds random digits to a new chain's id.
        instanceName: config.server.instanceName ?? hostname(),
        log: (message) => log.log('warn', message, { concern: 'recording' }),
      })
    : noRecorder;
  const limits = await openLimits(config.policy, {
    warn: (message) => log.log('warn', message, { concern: 'policy' }),
    ...(metrics ? { unavailable: () => metrics.limitsUnavailable() } : {}),
  });
  const tracer = config.tracing.otlpEndpoint
    ? new Tracer({ ...config.tracing, otlpEndpoint: config.tracing.otlpEndpoint }, { warn: (message) => log.log('warn', message, { concern: 'tracing' }) })
    : undefined;
  return {
    config,
    ...(tracer ? { tracer } : {}),
    ...(await assembleReloadable(config, { limits, metrics })),
    authenticator,
    limits,
    recorder,
    log,
    ...(metrics ? { metrics } : {}),
    ...(devIssuer ? { devIssuer } : {}),
  };
}
