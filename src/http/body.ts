import { GatewayError } from './errors.ts';
import { readAtMost } from '../stream/read-at-most.ts';
import { nativeOf } from './native-request.ts';

/**
 * Reads a request body of at most `limit` bytes. A declared length over the limit is refused
 * before anything is read; an undeclared one is counted as it arrives.
 */
export async function readBody(request: Request, limit: number): Promise<Uint8Array> {
  if (request.method === 'GET' || request.method === 'HEAD') return new Uint8Array(0);
  const declared = request.headers.get('content-length');
  const length = declared === null ? NaN : Number(declared);
  if (length > limit) throw tooLarge(limit);
  const native = nativeOf(request);
  const bytes = native !== undefined
    ? await native.body(limit)
    : Number.isFinite(length)
      // arrayBuffer() without touching request.body first: on Node the adapter then reads the
      // socket directly instead of building a web stream around it.
      ? new Uint8Array(await request.arrayBuffer())
      : request.body === null ? new Uint8Array(0) : await readAtMost(request.body, limit);
  if (bytes === undefined || bytes.byteLength > limit) throw tooLarge(limit);
  return bytes;
}

function tooLarge(limit: number): GatewayError {
  return new GatewayError(413, 'request_too_large', `Request body exceeds the gateway's limit of ${limit} bytes.`);
}
