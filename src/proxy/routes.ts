import type { VertexAddress } from '../upstream/connection.ts';

/**
 * The Messages API routes the gateway serves, in the Anthropic format and in the Vertex AI
 * format. Anything else under /v1 is answered with a 404 in the Anthropic shape rather than
 * forwarded, so the gateway never becomes an open proxy to other upstream endpoints.
 */
export type RouteKind = 'messages' | 'count_tokens' | 'models' | 'batches';

const ROUTES: Array<{ method: string; pattern: RegExp; kind: RouteKind }> = [
  { method: 'POST', pattern: /^\/v1\/messages$/, kind: 'messages' },
  { method: 'POST', pattern: /^\/v1\/messages\/count_tokens$/, kind: 'count_tokens' },
  { method: 'GET', pattern: /^\/v1\/models$/, kind: 'models' },
  { method: 'GET', pattern: /^\/v1\/models\/[^/]+$/, kind: 'models' },
  { method: 'POST', pattern: /^\/v1\/messages\/batches$/, kind: 'batches' },
  { method: 'GET', pattern: /^\/v1\/messages\/batches$/, kind: 'batches' },
  { method: 'GET', pattern: /^\/v1\/messages\/batches\/[^/]+$/, kind: 'batches' },
  { method: 'DELETE', pattern: /^\/v1\/messages\/batches\/[^/]+$/, kind: 'batches' },
  { method: 'POST', pattern: /^\/v1\/messages\/batches\/[^/]+\/cancel$/, kind: 'batches' },
  { method: 'GET', pattern: /^\/v1\/messages\/batches\/[^/]+\/results$/, kind: 'batches' },
];

/**
 * Claude on Vertex AI, as Claude Code (CLAUDE_CODE_USE_VERTEX=1) and @anthropic-ai/vertex-sdk
 * address it: POST .../models/{model}:rawPredict or :streamRawPredict, and the count-tokens
 * "model" for count_tokens. Segments are single path segments, as Vertex AI's are.
 */
const VERTEX_ROUTE = /^\/v1\/projects\/([^/]+)\/locations\/([^/]+)\/publishers\/anthropic\/models\/([^/:]+):(rawPredict|streamRawPredict)$/;

export function matchRoute(method: string, path: string): RouteKind | undefined {
  if (method === 'POST' && path.startsWith('/v1/projects/')) {
    const address = vertexAddress(path);
    if (address === undefined) return undefined;
    return address.model === 'count-tokens' ? 'count_tokens' : 'messages';
  }
  for (const route of ROUTES) {
    if (route.method === method && route.pattern.test(path)) return route.kind;
  }
  return undefined;
}

/** The project, region, model and method of a Vertex AI format path; undefined for any other path. */
export function vertexAddress(path: string): VertexAddress | undefined {
  const match = VERTEX_ROUTE.exec(path);
  if (match === null) return undefined;
  const [, project, region, model, method] = match as unknown as [string, string, string, string, VertexAddress['method']];
  if (model === 'count-tokens' && method !== 'rawPredict') return undefined;
  const [p, r, m] = [decoded(project), decoded(region), decoded(model)];
  if (p === undefined || r === undefined || m === undefined) return undefined;
  return { project: p, region: r, model: m, method };
}

function decoded(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
