import type { GatewayParts } from '../app.ts';
import type { GatewayConfig } from '../config/schema.ts';
import type { DevIssuer } from '../identity/dev-issuer.ts';
import type { Logger } from '../log/logger.ts';
import { createAuthenticator } from '../identity/index.ts';
import { createPolicy } from '../policy/index.ts';
import { openSigningKey } from '../checkpoint/signing-key.ts';
import { createRecorder } from '../record/index.ts';
import { noRecorder } from '../record/recorder.ts';
import { openConnections } from '../upstream/connections.ts';

export interface AssembledParts extends GatewayParts {
  /** Set when no issuer is configured: the gateway must stay on loopback. */
  devIssuer?: DevIssuer;
}

/** Builds each concern's part from its section of the config. */
export async function assembleParts(config: GatewayConfig, log: Logger): Promise<AssembledParts> {
  const connections = await openConnections(config.connections);
  const { authenticator, devIssuer } = await createAuthenticator(config.identity, { dataDir: config.server.dataDir });
  // Masking and sealing load only when configured: with them off, their modules cost nothing.
  const sealer = config.recording.sealKey ? await (await import('../seal/index.ts')).loadSealer(config.recording.sealKey) : undefined;
  const masker = config.masking.enabled ? (await import('../mask/index.ts')).createMasker(config.masking) : undefined;
  const signingKey = config.recording.enabled ? await openSigningKey({ keyFile: config.recording.signingKey, dataDir: config.server.dataDir }) : undefined;
  // Findings exist only with masking on; their digests are keyed (the key never leaves this process).
  const digester = config.masking.enabled && config.recording.enabled
    ? await (await import('../mask/digest-key-file.ts')).openFindingDigester(config.masking, config.server.dataDir)
    : undefined;
  const recorder = config.recording.enabled
    ? await createRecorder(config.recording, {
        ...(sealer ? { sealer } : {}),
        ...(digester ? { digester } : {}),
        log: (message) => log.log('warn', message, { concern: 'recording' }),
        signingKey,
        // One line per checkpoint: Cloud Logging keeps these apart from the bucket.
        publishCheckpoint: ({ name, jws }) => log.log('info', 'checkpoint', { concern: 'checkpoint', name, jws }),
      })
    : noRecorder;
  return {
    config,
    connections,
    authenticator,
    policy: createPolicy(config.policy),
    masker,
    recorder,
    log,
    ...(signingKey ? { checkpointKey: signingKey.publicJwk } : {}),
    ...(devIssuer ? { devIssuer } : {}),
  };
}
