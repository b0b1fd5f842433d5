import { GatewayError } from '../http/errors.ts';
import type { GatewayMetrics } from './gateway-metrics.ts';

/**
 * Counts a call that ended in an error the gateway answered itself (refused, or the upstream
 * could not be reached). The connection label takes only configured names: a caller must not
 * be able to mint label values.
 */
export function countFailedCall(metrics: GatewayMetrics, connections: ReadonlyMap<string, unknown>, connection: string, route: string, error: unknown): void {
  const status = error instanceof GatewayError ? error.status : 500;
  const type = error instanceof GatewayError ? error.type : 'api_error';
  if (status === 403 && type === 'permission_error') metrics.denied('permission');
  if (status === 429 && type === 'rate_limit_error') metrics.denied('rate_limit');
  const outcome = status === 499 ? 'client_aborted' : type === 'timeout_error' ? 'timeout' : status === 502 ? 'upstream_error' : 'rejected';
  metrics.callEnded({ connection: connections.has(connection) ? connection : 'unknown', route, status, outcome });
}
