import { z } from 'zod';
import { identityConfigSchema } from '../identity/config.ts';
import { policyConfigSchema } from '../policy/config.ts';
import { maskingConfigSchema } from '../mask/config.ts';
import { recordingConfigSchema } from '../record/config.ts';
import { connectionsConfigSchema } from '../upstream/config.ts';
import { metricsConfigSchema } from '../metrics/config.ts';
import { tracingConfigSchema } from '../trace/config.ts';

export const serverConfigSchema = z
  .strictObject({
    host: z.string().min(1).default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(8787),
    /** Where the gateway keeps its own state (development issuer key). */
    dataDir: z.string().min(1).default('./data'),
    bodyLimitBytes: z.number().int().positive().default(32 * 1024 * 1024),
    /** A stream that delivers nothing for this long is ended with a timeout error. */
    idleTimeoutMs: z.number().int().positive().default(120_000),
    /** How long the upstream may take to send response headers. */
    upstreamTimeoutMs: z.number().int().positive().default(600_000),
    /** On SIGTERM/SIGINT, how long open streams may run before the process exits anyway. */
    shutdownGraceMs: z.number().int().min(0).default(15_000),
    /**
     * What this replica's record chain is named after (SCRIBE_INSTANCE_NAME); the host name
     * (a pod's name on Kubernetes) when absent. A new chain adds random digits to it.
     */
    instanceName: z.string().min(1).max(64).optional(),
  })
  .default({
    host: '127.0.0.1',
    port: 8787,
    dataDir: './data',
    bodyLimitBytes: 32 * 1024 * 1024,
    idleTimeoutMs: 120_000,
    upstreamTimeoutMs: 600_000,
    shutdownGraceMs: 15_000,
  });

export const gatewayConfigSchema = z.strictObject({
  server: serverConfigSchema,
  connections: connectionsConfigSchema,
  identity: identityConfigSchema,
  policy: policyConfigSchema,
  masking: maskingConfigSchema,
  recording: recordingConfigSchema,
  metrics: metricsConfigSchema,
  tracing: tracingConfigSchema,
});

export type ServerConfig = z.infer<typeof serverConfigSchema>;
export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;
/** What a config file or a test may say: every section and key optional. */
export type GatewayConfigInput = z.input<typeof gatewayConfigSchema>;
