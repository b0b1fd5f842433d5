/**
 * The two wire shapes of one Messages call. Anthropic's: POST /v1/messages with the model in
 * the body and the API version in the anthropic-version header. Vertex AI's: the model and
 * rawPredict/streamRawPredict in the path, anthropic_version in the body.
 */
import { GatewayError } from '../http/errors.ts';
import type { VertexAddress } from './connection.ts';

/** The anthropic_version Claude on Vertex AI expects in the body. */
export const VERTEX_VERSION = 'vertex-2023-10-16';
/** The Messages API version an Anthropic upstream gets when a Vertex caller named none. */
export const ANTHROPIC_VERSION = '2023-06-01';
export const COUNT_TOKENS_MODEL = 'count-tokens';

/** An Anthropic-format body in the Vertex shape, for the model's URL. */
export function toVertexBody(json: unknown): { model: string; body: Uint8Array } {
  const { model, ...rest } = requireObject(json, 'a Vertex AI connection');
  if (typeof model !== 'string') throw new GatewayError(400, 'invalid_request_error', 'model: a model name is required.');
  return { model, body: encode({ anthropic_version: VERTEX_VERSION, ...rest }) };
}

/** A count_tokens body in the Vertex shape (Vertex keeps the model in this one). */
export function toVertexCountTokensBody(json: unknown): Uint8Array {
  return encode({ anthropic_version: VERTEX_VERSION, ...requireObject(json, 'a Vertex AI connection') });
}

/** A Vertex-format call in the Anthropic shape: its path, and its body with the model from the URL. */
export function fromVertexCall(address: VertexAddress, json: unknown): { path: string; body: Uint8Array } {
  const { anthropic_version: _version, ...rest } = requireObject(json, 'a Vertex AI format call');
  if (address.model === COUNT_TOKENS_MODEL) return { path: '/v1/messages/count_tokens', body: encode(rest) };
  const streamed = address.method === 'streamRawPredict' ? { stream: true } : {};
  return { path: '/v1/messages', body: encode({ model: address.model, ...rest, ...streamed }) };
}

function requireObject(json: unknown, what: string): Record<string, unknown> {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new GatewayError(400, 'invalid_request_error', `The request body must be a JSON object for ${what}.`);
  }
  return json as Record<string, unknown>;
}

function encode(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value));
}
