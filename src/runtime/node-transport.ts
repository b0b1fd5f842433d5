/**
 * Node's upstream transport: the undici package's request API over one keep-alive pool per
 * upstream origin. Node's bundled fetch builds a Request, a Response and Web streams per
 * call; under a burst of streams that costs tens of milliseconds before the first byte.
 */
import type { Readable } from 'node:stream';
import { Agent } from 'undici';
import type { ChunkHandlers, ChunkReader, UpstreamTransport } from '../upstream/transport.ts';

export interface NodeTransport extends UpstreamTransport {
  /** Closes the pooled connections (at shutdown, once the streams are over). */
  close(): Promise<void>;
}

export function nodeTransport(): NodeTransport {
  // No undici timeouts: the gateway has its own for headers (504) and for idle streams.
  const agent = new Agent({ keepAliveTimeout: 30_000, headersTimeout: 0, bodyTimeout: 0 });
  return {
    async send(outgoing) {
      const { origin, path } = splitUrl(outgoing.url);
      const once = () =>
        agent.request({
          origin,
          path,
          method: outgoing.method as 'POST',
          headers: outgoing.headers.flat(),
          body: outgoing.body ?? null,
          signal: outgoing.signal,
        });
      let reply: Awaited<ReturnType<typeof once>>;
      try {
        reply = await once();
      } catch (error) {
        // A pooled connection that the upstream closed as it went idle fails before any answer
        // ("other side closed"), most often when this process was too busy to notice the close
        // in time. It is sent once more on a fresh connection, as the Anthropic SDKs themselves
        // retry connection errors. Any other failure is the caller's to see.
        if ((error as { code?: string }).code !== 'UND_ERR_SOCKET' || outgoing.signal.aborted) throw error;
        reply = await once();
      }
      const headers = new Headers();
      for (const name in reply.headers) {
        const value = reply.headers[name];
        if (typeof value === 'string') headers.append(name, value);
        else if (value) for (const each of value) headers.append(name, each);
      }
      const empty = reply.statusCode === 204 || reply.statusCode === 304 || outgoing.method === 'HEAD';
      if (empty) reply.body.resume();
      return { status: reply.statusCode, headers, body: empty ? null : readerOf(reply.body) };
    },
    close: () => agent.close(),
  };
}

/**
 * The origin and the path with its query, by position: the gateway built the URL itself, and
 * undici's top-level request() would parse it into a URL object on every call.
 */
export function splitUrl(url: string): { origin: string; path: string } {
  const pathAt = url.indexOf('/', url.indexOf('//') + 2);
  if (pathAt < 0) return { origin: url, path: '/' };
  return { origin: url.slice(0, pathAt), path: url.slice(pathAt) };
}

/**
 * A Node readable as a chunk reader, without a Web stream: read() takes what the socket has
 * buffered, or waits for the next 'readable'; subscribe() lets the readable flow into the
 * handlers, one call per chunk, paused while the client is slow.
 */
export function readerOf(body: Readable): ChunkReader {
  let waiting: { resolve: (r: ReadableStreamReadResult<Uint8Array>) => void; reject: (e: unknown) => void } | undefined;
  let ended = false;
  let failure: unknown;
  let pulling = false;
  let handlers: ChunkHandlers | undefined;
  let told = false;
  const settle = (): void => {
    if (handlers !== undefined) {
      if (told || (!ended && failure === undefined)) return;
      told = true;
      if (failure !== undefined) handlers.error(failure);
      else handlers.end();
      return;
    }
    if (!waiting) return;
    const { resolve, reject } = waiting;
    if (failure !== undefined) {
      waiting = undefined;
      reject(failure);
      return;
    }
    const chunk = body.read() as Uint8Array | null;
    if (chunk !== null) {
      waiting = undefined;
      resolve({ done: false, value: chunk });
    } else if (ended) {
      waiting = undefined;
      resolve({ done: true, value: undefined });
    }
  };
  body.once('end', () => {
    ended = true;
    settle();
  });
  body.once('error', (error) => {
    if (failure === undefined) failure = error;
    settle();
  });
  body.once('close', () => {
    if (!ended && failure === undefined) failure = new Error('the upstream connection closed mid-response');
    settle();
  });
  return {
    read() {
      if (!pulling) {
        pulling = true;
        body.on('readable', settle);
      }
      if (failure !== undefined) return Promise.reject(failure);
      const chunk = body.read() as Uint8Array | null;
      if (chunk !== null) return Promise.resolve({ done: false, value: chunk });
      if (ended) return Promise.resolve({ done: true, value: undefined });
      return new Promise((resolve, reject) => {
        waiting = { resolve, reject };
      });
    },
    subscribe(given) {
      handlers = given;
      body.on('data', (chunk: Uint8Array) => given.chunk(chunk));
      settle();
      return { pause: () => body.pause(), resume: () => body.resume() };
    },
    async cancel() {
      body.destroy();
    },
  };
}
