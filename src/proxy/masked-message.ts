import { GatewayError } from '../http/errors.ts';
import { concatChunks } from '../stream/concat.ts';
import type { RedactionFinding } from '../mask/finding.ts';
import type { RelayObserver } from '../stream/relay.ts';
import type { CallMasker } from './handle-call.ts';

/**
 * A non-streaming message, masked as a whole: its body is read completely (ending with a 504
 * if the upstream goes silent, like a stream's idle timeout), masked, and sent in one piece.
 */
export async function maskedMessage(
  response: Response,
  masker: CallMasker,
  onFinding: (finding: RedactionFinding) => void,
  observer: RelayObserver,
  headers: Headers,
  limits: { idleTimeoutMs: number; abort: (reason: string) => void; clientSignal: { readonly aborted: boolean } | undefined },
): Promise<Response> {
  let bytes: Uint8Array;
  try {
    bytes = await readWhole(response.body as ReadableStream<Uint8Array>, limits);
  } catch (error) {
    if (limits.clientSignal?.aborted) {
      observer.end('client_aborted');
      throw new GatewayError(499, 'api_error', 'The caller closed the connection.');
    }
    if (error instanceof GatewayError) {
      observer.end('timeout', error.message);
      throw error;
    }
    observer.end('upstream_error', `The upstream connection failed mid-response: ${(error as Error).message}`);
    throw new GatewayError(502, 'api_error', 'The upstream connection failed before the response was complete.');
  }
  const masked = masker.message(bytes, onFinding);
  observer.chunk(masked);
  observer.end('complete');
  return new Response(masked as Uint8Array<ArrayBuffer>, { status: response.status, headers });
}

/** A whole body (it must be masked as one), ended with a 504 if the upstream goes silent. */
async function readWhole(
  body: ReadableStream<Uint8Array>,
  limits: { idleTimeoutMs: number; abort: (reason: string) => void },
): Promise<Uint8Array> {
  const reader = body.getReader();
  const parts: Uint8Array[] = [];
  let silent = false;
  const arm = () =>
    setTimeout(() => {
      silent = true;
      limits.abort('idle timeout');
    }, limits.idleTimeoutMs);
  let timer = arm();
  try {
    for (;;) {
      const { done, value } = await reader.read().catch((error: unknown) => {
        if (silent) throw new GatewayError(504, 'timeout_error', `The upstream sent nothing for ${limits.idleTimeoutMs} ms; the response was abandoned.`);
        throw error;
      });
      if (done) break;
      clearTimeout(timer);
      timer = arm();
      parts.push(value);
    }
  } finally {
    clearTimeout(timer);
  }
  return concatChunks(parts);
}
