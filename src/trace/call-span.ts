import type { Identity } from '../identity/identity.ts';
import { GatewayError } from '../http/errors.ts';
import type { CallSpan } from './tracer.ts';

/** Ends the span of a call that failed before its answer was relayed (refused, upstream down). */
export function endFailedSpan(span: CallSpan, exchangeId: string, connection: string, identity: Identity | undefined, error: unknown): void {
  span.end(
    {
      'scribe.exchange_id': exchangeId,
      'enduser.id': identity?.subject,
      'scribe.issuer': identity?.issuer,
      'scribe.connection': connection,
      'scribe.outcome': 'rejected',
      'http.response.status_code': error instanceof GatewayError ? error.status : 500,
      'error.type': error instanceof GatewayError ? error.type : 'api_error',
    },
    true,
  );
}
