import { errorResponse, GatewayError } from '../http/errors.ts';
import type { GatewayMetrics } from './gateway-metrics.ts';

/** The handler of a metrics-only listener (metrics.port): /metrics and nothing else. */
export function metricsEndpoint(metrics: GatewayMetrics): (request: Request) => Promise<Response> {
  return async (request) => {
    const { pathname } = new URL(request.url);
    if (request.method === 'GET' && pathname === '/metrics') return metrics.exposition();
    return errorResponse(new GatewayError(404, 'not_found_error', `${request.method} ${pathname} is not served here; this port serves GET /metrics only.`));
  };
}
