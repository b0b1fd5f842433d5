import { z } from 'zod';

/** OpenTelemetry traces over OTLP/HTTP (JSON): off unless an endpoint is given. */
export const tracingConfigSchema = z
  .strictObject({
    /** The collector's OTLP/HTTP base URL (OTEL_EXPORTER_OTLP_ENDPOINT), e.g. http://otel-collector:4318. */
    otlpEndpoint: z.string().url().optional(),
    serviceName: z.string().min(1).default('scribe'),
    /** Spans are sent in batches at most this often. */
    exportIntervalMs: z.number().int().positive().default(1000),
  })
  .default({ serviceName: 'scribe', exportIntervalMs: 1000 });

export type TracingConfig = z.infer<typeof tracingConfigSchema>;
