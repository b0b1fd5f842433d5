/**
 * The Messages API routes the gateway serves. Anything else under /v1 is answered with a 404
 * in the Anthropic shape rather than forwarded, so the gateway never becomes an open proxy
 * to other upstream endpoints.
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

export function matchRoute(method: string, path: string): RouteKind | undefined {
  for (const route of ROUTES) {
    if (route.method === method && route.pattern.test(path)) return route.kind;
  }
  return undefined;
}
