import { GatewayError } from '../http/errors.ts';
import type { VertexConnectionConfig } from './config.ts';
import type { Connection, UpstreamCall, UpstreamRequest } from './connection.ts';
import type { ConnectionSwitches } from './switches.ts';
import { COUNT_TOKENS_MODEL, toVertexBody, toVertexCountTokensBody } from './vertex-format.ts';

/** Yields a Google OAuth access token; google-auth-library caches and refreshes it. */
export type AccessTokenSource = () => Promise<string>;

/** Where a Vertex AI connection's model URLs start (no credentials in it). */
export function vertexTarget(config: VertexConnectionConfig): string {
  const host = config.baseUrl ?? vertexHost(config.region);
  return `${host.replace(/\/+$/, '')}/v1/projects/${config.projectId}/locations/${config.region}/publishers/anthropic/models`;
}

function vertexHost(region: string): string {
  if (region === 'global') return 'https://aiplatform.googleapis.com';
  // The multi-region endpoints.
  if (region === 'us' || region === 'eu') return `https://aiplatform.${region}.rep.googleapis.com`;
  return `https://${region}-aiplatform.googleapis.com`;
}

/**
 * Claude on Vertex AI: the same Messages API, addressed per model in the URL, with the model
 * moved out of the body, anthropic_version in it, and a Google access token as credential.
 * Callers that already speak the Vertex format are forwarded with their body unchanged, to
 * this connection's project and region (the gateway's credential is good for those only).
 */
export async function vertexConnection(
  name: string,
  config: VertexConnectionConfig,
  tokenSource?: AccessTokenSource,
  switches?: ConnectionSwitches,
): Promise<Connection> {
  const target = vertexTarget(config);
  const accessToken = tokenSource ?? (await googleTokenSource(config.credentialsFile));
  return {
    name,
    target,
    hasCredential: true,
    ...(switches ? { switches } : {}),
    async prepare(call: UpstreamCall): Promise<UpstreamRequest> {
      const headers = call.headers;
      headers.set('authorization', `Bearer ${await accessToken()}`);
      headers.set('accept-encoding', 'identity');
      headers.set('content-type', 'application/json');
      if (call.method === 'POST' && call.vertex) {
        return { url: `${target}/${modelSegment(call.vertex.model)}:${call.vertex.method}`, headers, body: call.body };
      }
      if (call.method === 'POST' && call.path === '/v1/messages') {
        const { model, body } = toVertexBody(call.json);
        const method = (call.json as { stream?: unknown }).stream === true ? 'streamRawPredict' : 'rawPredict';
        return { url: `${target}/${modelSegment(model)}:${method}`, headers, body };
      }
      if (call.method === 'POST' && call.path === '/v1/messages/count_tokens') {
        return { url: `${target}/${COUNT_TOKENS_MODEL}:rawPredict`, headers, body: toVertexCountTokensBody(call.json) };
      }
      throw new GatewayError(404, 'not_found_error', `${call.method} ${call.path} is not available on the Vertex AI connection "${name}".`);
    },
  };
}

/** A model name as a path segment; "@" (claude-…@20250514 versions) stays as Vertex AI writes it. */
function modelSegment(model: string): string {
  return encodeURIComponent(model).replaceAll('%40', '@');
}

async function googleTokenSource(credentialsFile: string | undefined): Promise<AccessTokenSource> {
  const { GoogleAuth } = await import('google-auth-library');
  const auth = new GoogleAuth({
    scopes: ['https://www.googleapis.com/auth/cloud-platform'],
    ...(credentialsFile ? { keyFilename: credentialsFile } : {}),
  });
  return async () => {
    const token = await auth.getAccessToken();
    if (!token) throw new GatewayError(502, 'api_error', 'No Google access token could be obtained for Vertex AI.');
    return token;
  };
}
