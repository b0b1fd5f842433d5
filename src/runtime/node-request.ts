/**
 * A Node request's own parts, offered to the gateway (src/http/native-request.ts): the raw
 * header lines, the body read from the IncomingMessage in one piece, and a signal that is a
 * flag and a list rather than an AbortController.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ClientSignal, NativeRequest } from '../http/native-request.ts';

const EMPTY = new Uint8Array(0);

/** Aborted when the connection closes before the response was sent in full, as @hono/node-server judges it. */
class ConnectionSignal implements ClientSignal {
  aborted = false;
  private listeners: (() => void)[] | undefined;

  constructor(incoming: IncomingMessage, outgoing: ServerResponse) {
    outgoing.once('close', () => {
      if (incoming.errored || !outgoing.writableFinished) this.abort();
    });
  }

  addEventListener(_type: 'abort', listener: () => void): void {
    (this.listeners ??= []).push(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    const at = this.listeners?.indexOf(listener) ?? -1;
    if (at >= 0) this.listeners!.splice(at, 1);
  }

  private abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    const listeners = this.listeners;
    this.listeners = undefined;
    for (const listener of listeners ?? []) listener();
  }
}

/**
 * The whole body. When the parser already has all of it (a request that came in one read, as
 * most do), it is taken at once; otherwise the chunks are gathered and joined once, counted
 * against the limit as they come.
 */
function readIncoming(incoming: IncomingMessage, limit: number): Promise<Uint8Array | undefined> {
  if (incoming.complete && !incoming.readableDidRead && incoming.readableLength <= limit) {
    return Promise.resolve((incoming.read() as Buffer | null) ?? EMPTY);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (): void => {
      incoming.off('data', onData);
      incoming.off('end', onEnd);
      incoming.off('error', onGone);
      incoming.off('close', onGone);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.byteLength;
      if (size > limit) {
        done();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      done();
      resolve(chunks.length === 1 ? chunks[0]! : chunks.length === 0 ? EMPTY : Buffer.concat(chunks, size));
    };
    const onGone = (): void => {
      done();
      reject(new Error('The caller closed the connection before its request body arrived.'));
    };
    incoming.on('data', onData);
    incoming.once('end', onEnd);
    incoming.once('error', onGone);
    incoming.once('close', onGone);
  });
}

export function nodeRequest(incoming: IncomingMessage, outgoing: ServerResponse): NativeRequest {
  return {
    rawHeaders: incoming.rawHeaders,
    body: (limit) => readIncoming(incoming, limit),
    signal: new ConnectionSignal(incoming, outgoing),
  };
}
