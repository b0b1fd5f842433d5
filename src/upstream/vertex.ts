import { GatewayError } from '../http/errors.ts';
import type { VertexConnectionConfig } from './config.ts';
import type { Connection, UpstreamCall, UpstreamRequest } from './connection.ts';

/** Yields a Google OAuth access token; google-auth-library caches and refreshes it. */
export type AccessTokenSource = () => Promise<string>;

const VERTEX_VERSION = 'vertex-2023-10-16';

/**
 * Claude on Vertex AI: the same Messages API, addressed per model in the URL, with the model
 * moved out of the body, anthropic_version in it, and a Google access token as credential.
 */
export async function vertexConnection(
  name: string,
  config: VertexConnectionConfig,
  tokenSource?: AccessTokenSource,
): Promise<Connection> {
  const host = config.baseUrl ?? (config.region === 'global' ? 'https://aiplatform.googleapis.com' : `https://${config.region}-aiplatform.googleapis.com`);
  const target = `${host.replace(/\/+$/, '')}/v1/projects/${config.projectId}/locations/${config.region}/publishers/anthropic/models`;
  const accessToken = tokenSource ?? (await googleTokenSource(config.credentialsFile));
  return {
    name,
    target,
    hasCredential: true,
    async prepare(call: UpstreamCall): Promise<UpstreamRequest> {
      const headers = call.headers;
      headers.set('authorization', `Bearer ${await accessToken()}`);
      headers.set('accept-encoding', 'identity');
      headers.set('content-type', 'application/json');
      if (call.method === 'POST' && call.path === '/v1/messages') {
        const { model, ...rest } = requireObject(call.json);
        if (typeof model !== 'string') throw new GatewayError(400, 'invalid_request_error', 'model: a model name is required.');
        const method = rest.stream === true ? 'streamRawPredict' : 'rawPredict';
        return { url: `${target}/${encodeURIComponent(model)}:${method}`, headers, body: encode({ anthropic_version: VERTEX_VERSION, ...rest }) };
      }
      if (call.method === 'POST' && call.path === '/v1/messages/count_tokens') {
        const body = requireObject(call.json);
        return { url: `${target}/count-tokens:rawPredict`, headers, body: encode({ anthropic_version: VERTEX_VERSION, ...body }) };
      }
      throw new GatewayError(404, 'not_found_error', `${call.method} ${call.path} is not available on the Vertex AI connection "${name}".`);
    },
  };
}

function requireObject(json: unknown): Record<string, unknown> {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new GatewayError(400, 'invalid_request_error', 'The request body must be a JSON object for a Vertex AI connection.');
  }
  return json as Record<string, unknown>;
}

function encode(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value));
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
