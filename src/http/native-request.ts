/**
 * What a runtime's server can give of a request more cheaply than its Request object. On Node,
 * @hono/node-server's lazy Request builds Web Headers to be iterated, copies the body twice to
 * hand it over as an ArrayBuffer, and makes an AbortController for its signal: about a fifth of
 * the gateway's own work per call in a burst, for objects it only reads once. A server that has
 * the request's own parts offers them here; without them the gateway reads the Request as any
 * runtime gives it.
 */

/** Whether the caller went away before its response was over (an AbortSignal is one). */
export interface ClientSignal {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

export interface NativeRequest {
  /** The header lines as received: name, value, name, value, ... (names in any case). */
  readonly rawHeaders: readonly string[];
  /** The whole body, or undefined once it runs past `limit` bytes. */
  body(limit: number): Promise<Uint8Array | undefined>;
  readonly signal: ClientSignal;
}

const offered = new WeakMap<Request, NativeRequest>();

export function offerNative(request: Request, native: NativeRequest): void {
  offered.set(request, native);
}

export function nativeOf(request: Request): NativeRequest | undefined {
  return offered.get(request);
}
