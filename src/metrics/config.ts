import { z } from 'zod';
import { isLoopbackHost } from '../lifecycle/loopback.ts';

/**
 * Where Prometheus reads /metrics. Metrics are not for callers: on the API port /metrics
 * answers only while the API listens on loopback alone (`onApiPort: loopback`, the default),
 * so a gateway open to the network shows them nowhere unless `port` (a listener of their own,
 * for the scraper) or `onApiPort: always` says so.
 */
export const metricsConfigSchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    onApiPort: z.enum(['loopback', 'always', 'never']).default('loopback'),
    /** A separate listener serving only /metrics (e.g. 9464); none by default. */
    port: z.number().int().min(0).max(65535).optional(),
    /** Where that listener binds; the API's host by default. */
    host: z.string().min(1).optional(),
  })
  .default({ enabled: true, onApiPort: 'loopback' });

export type MetricsConfig = z.infer<typeof metricsConfigSchema>;

/** Whether /metrics answers on the API port (see metricsConfigSchema). */
export function servesMetricsOnApiPort(config: { server: { host: string }; metrics: MetricsConfig }): boolean {
  if (config.metrics.onApiPort === 'always') return true;
  return config.metrics.onApiPort === 'loopback' && isLoopbackHost(config.server.host);
}
