import { GatewayError } from '../http/errors.ts';
import type { ClientSignal } from '../http/native-request.ts';
import type { Connection, UpstreamCall } from '../upstream/connection.ts';
import type { UpstreamReply, UpstreamTransport } from '../upstream/transport.ts';

export interface UpstreamExchange {
  reply: UpstreamReply;
  /** Stops the upstream request; the relay calls it when the client leaves or a stream idles. */
  abort(reason: string): void;
}

/**
 * Sends a call upstream and waits for the response headers, turning every way that can fail
 * into a clear Anthropic-shaped error: 502 unreachable, 504 no answer in time, 499 when the
 * caller left first.
 */
export async function fetchUpstream(options: {
  connection: Connection;
  call: UpstreamCall;
  clientSignal: ClientSignal | undefined;
  headersTimeoutMs: number;
  transport: UpstreamTransport;
}): Promise<UpstreamExchange> {
  const { connection, clientSignal } = options;
  const controller = new AbortController();
  const abort = (reason: string): void => {
    if (!controller.signal.aborted) controller.abort(reason);
  };
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    abort('headers timeout');
  }, options.headersTimeoutMs);
  const onClientGone = (): void => abort('client went away');
  if (clientSignal?.aborted) onClientGone();
  clientSignal?.addEventListener('abort', onClientGone, { once: true });

  try {
    const prepared = await connection.prepare(options.call);
    const reply = await options.transport.send({
      url: prepared.url,
      method: options.call.method,
      headers: prepared.headers,
      body: prepared.body,
      signal: controller.signal,
    });
    return { reply, abort };
  } catch (error) {
    clientSignal?.removeEventListener('abort', onClientGone);
    if (error instanceof GatewayError) throw error;
    if (clientSignal?.aborted) throw new GatewayError(499, 'api_error', 'The caller closed the connection before the upstream answered.');
    if (timedOut) {
      throw new GatewayError(504, 'timeout_error', `The upstream (${connection.target}) sent no response within ${options.headersTimeoutMs} ms.`);
    }
    throw new GatewayError(502, 'api_error', `The upstream (${connection.target}) could not be reached: ${reasonOf(error)}.`);
  } finally {
    clearTimeout(timer);
  }
}

function reasonOf(error: unknown): string {
  // fetch wraps the socket's error as its cause; undici's request API throws it as it is.
  const code = (error as { code?: string } | undefined)?.code;
  if (typeof code === 'string' && !code.startsWith('UND_ERR_')) return code;
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  if (cause?.code) return cause.code;
  if (cause?.message) return cause.message;
  return error instanceof Error ? error.message : String(error);
}
