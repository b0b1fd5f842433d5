/**
 * How the gateway reaches an upstream: one request out, the status, headers and a body reader
 * back. The Web-standard fetch is the transport on every runtime; a runtime with a faster
 * client of its own gives the gateway another (src/runtime/node-transport.ts on Node).
 */
import type { HeaderList } from '../http/header-list.ts';

/** The body of an upstream response, read chunk by chunk (a ReadableStream's reader fits). */
export interface ChunkReader {
  /** The next chunk, or done; rejects when the connection fails or the request is aborted. */
  read(): Promise<ReadableStreamReadResult<Uint8Array>>;
  /** Stops reading and releases the connection. */
  cancel(reason?: unknown): Promise<void>;
  /**
   * Where the runtime's body pushes its chunks (Node's readables): the handlers are called as
   * chunks come, with no promise per chunk. Used instead of read(), never together with it.
   */
  subscribe?(handlers: ChunkHandlers): FlowControl;
}

export interface ChunkHandlers {
  chunk(bytes: Uint8Array): void;
  end(): void;
  /** The connection failed or the request was aborted; called at most once, and never after end(). */
  error(error: unknown): void;
}

/** Holds back the upstream while the client is slow. */
export interface FlowControl {
  pause(): void;
  resume(): void;
}

export interface UpstreamReply {
  status: number;
  headers: Headers;
  /** Null when the response has no body. */
  body: ChunkReader | null;
}

export interface OutgoingRequest {
  url: string;
  method: string;
  headers: HeaderList;
  body: Uint8Array | undefined;
  /** Aborting it ends the request, or the body's reading once the headers are in. */
  signal: AbortSignal;
}

export interface UpstreamTransport {
  /** Resolves once the response headers are in; rejects when the upstream cannot be reached. */
  send(request: OutgoingRequest): Promise<UpstreamReply>;
}

/** The portable transport: the runtime's fetch (redirects are the caller's to follow). */
export function fetchTransport(fetcher: typeof fetch): UpstreamTransport {
  return {
    async send(request) {
      const response = await fetcher(request.url, {
        method: request.method,
        headers: request.headers.pairs(),
        body: request.body as BodyInit | undefined,
        signal: request.signal,
        redirect: 'manual',
      });
      return { status: response.status, headers: response.headers, body: response.body?.getReader() ?? null };
    },
  };
}

/** A body reader as a Web stream, for transforms (masking) that consume one. */
export function readerStream(reader: ChunkReader): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const result = await reader.read();
        if (result.done) controller.close();
        else controller.enqueue(result.value);
      },
      cancel: (reason) => reader.cancel(reason),
    },
    { highWaterMark: 0 },
  );
}
