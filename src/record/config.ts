import { z } from 'zod';

export const recordingConfigSchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    /** file:<dir> or gs://<bucket>/<prefix> */
    store: z.string().regex(/^(file:|gs:\/\/)/, 'must start with file: or gs://').default('file:./data/sessions'),
    gcsEndpoint: z.string().url().optional(),
    spoolDir: z.string().default('./data/spool'),
    spoolMaxBytes: z.number().int().positive().default(1024 * 1024 * 1024),
    /** When the spool is full: serve without recording (open) or refuse with 503 (closed). */
    whenFull: z.enum(['open', 'closed']).default('open'),
    batchMaxBytes: z.number().int().positive().default(4 * 1024 * 1024),
    batchMaxAgeMs: z.number().int().positive().default(1000),
    /** Path of a public JWK that seals redacted originals; absent: originals are not kept. */
    sealKey: z.string().optional(),
    /** Header carrying a session id, besides x-claude-code-session-id. */
    sessionHeader: z.string().default('x-claude-code-session-id'),
    /** Upload retry backoff: first wait and ceiling. */
    uploadRetryMinMs: z.number().int().positive().default(200),
    uploadRetryMaxMs: z.number().int().positive().default(30_000),
    /** How long close() keeps uploading before leaving the rest in the spool for the next start. */
    closeUploadTimeoutMs: z.number().int().nonnegative().default(5_000),
    /** Private JWK file that signs chain checkpoints (SCRIBE_SIGNING_KEY); default: generated in server.dataDir. */
    signingKey: z.string().optional(),
    /** A second store (file: or gs://) that receives every checkpoint too. */
    checkpointMirror: z.string().regex(/^(file:|gs:\/\/)/, 'must start with file: or gs://').optional(),
    /** The longest a stored batch waits for a signed checkpoint. */
    checkpointIntervalMs: z.number().int().positive().default(60_000),
    /** How long close() keeps building records; exchanges still waiting then are saved raw, built at the next start. */
    closeBuildBudgetMs: z.number().int().nonnegative().default(2_000),
    /**
     * Where records are built (SCRIBE_RECORD_WORKER=on|off): a worker thread, or the serving
     * thread. `auto`: a worker on Node; the serving thread on Bun and Deno, where side-by-side
     * runs showed the worker costing throughput at saturation (Bun) and 60-90 MB (Deno) for no
     * gain in latency (bench/results/bun-deno-ab.md).
     */
    buildIn: z.enum(['auto', 'worker', 'thread']).default('auto'),
  })
  .default({
    enabled: true,
    store: 'file:./data/sessions',
    spoolDir: './data/spool',
    spoolMaxBytes: 1024 * 1024 * 1024,
    whenFull: 'open',
    batchMaxBytes: 4 * 1024 * 1024,
    batchMaxAgeMs: 1000,
    sessionHeader: 'x-claude-code-session-id',
    uploadRetryMinMs: 200,
    uploadRetryMaxMs: 30_000,
    closeUploadTimeoutMs: 5_000,
    checkpointIntervalMs: 60_000,
    closeBuildBudgetMs: 2_000,
    buildIn: 'auto',
  });

export type RecordingConfig = z.infer<typeof recordingConfigSchema>;
