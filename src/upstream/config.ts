import { z } from 'zod';

/**
 * What the gateway does on a connection. Each switch left out follows the gateway-wide
 * setting (recording.enabled, masking.enabled, masking.prompts).
 */
const onOff = z.preprocess((value) => (value === true ? 'on' : value === false ? 'off' : value), z.enum(['on', 'off']).optional());
const switches = {
  /** off: only a minimal audit line (who, when, model, outcome, tokens; no bodies). */
  recording: onOff,
  /** Redaction of secrets in answers. */
  masking: onOff,
  /** What to do with secrets in prompts. */
  prompts: z.enum(['allow', 'mask', 'block']).optional(),
};

const anthropicConnection = z.strictObject({
  type: z.literal('anthropic'),
  baseUrl: z.string().url().default('https://api.anthropic.com'),
  /** The key itself, normally from ANTHROPIC_API_KEY; prefer apiKeyFile (a mounted secret). */
  apiKey: z.string().min(1).optional(),
  apiKeyFile: z.string().min(1).optional(),
  ...switches,
});

const vertexConnection = z.strictObject({
  type: z.literal('vertex'),
  projectId: z.string().min(1),
  region: z.string().min(1).default('global'),
  /** Overrides https://{region}-aiplatform.googleapis.com (tests, private endpoints). */
  baseUrl: z.string().url().optional(),
  /** A service-account key file; absent: Application Default Credentials. */
  credentialsFile: z.string().min(1).optional(),
  ...switches,
});

export const connectionSchema = z.discriminatedUnion('type', [anthropicConnection, vertexConnection]);

export const connectionsConfigSchema = z
  .record(z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'connection names are lower-case letters, digits, - and _'), connectionSchema)
  .default({ default: { type: 'anthropic', baseUrl: 'https://api.anthropic.com' } })
  .refine((all) => 'default' in all, { message: 'a connection named "default" is required' });

export type ConnectionConfig = z.infer<typeof connectionSchema>;
export type AnthropicConnectionConfig = z.infer<typeof anthropicConnection>;
export type VertexConnectionConfig = z.infer<typeof vertexConnection>;
