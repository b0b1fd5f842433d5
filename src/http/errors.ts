/**
 * Errors in the Anthropic shape, so that SDKs and Claude Code show callers a message they
 * understand: {"type":"error","error":{"type":...,"message":...}}.
 */
export type AnthropicErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'api_error'
  | 'overloaded_error'
  | 'timeout_error';

export class GatewayError extends Error {
  constructor(
    readonly status: number,
    readonly type: AnthropicErrorType,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'GatewayError';
  }
}

export function errorBody(type: AnthropicErrorType, message: string): string {
  return JSON.stringify({ type: 'error', error: { type, message } });
}

export function errorResponse(error: GatewayError): Response {
  return new Response(errorBody(error.type, error.message), {
    status: error.status,
    headers: { 'content-type': 'application/json', ...error.headers },
  });
}

/** The SSE form, for failures after a stream has started (the status line is already sent). */
export function errorEvent(type: AnthropicErrorType, message: string): string {
  return `event: error\ndata: ${errorBody(type, message)}\n\n`;
}
