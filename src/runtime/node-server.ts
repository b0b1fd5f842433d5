/**
 * The gateway on node:http. Requests go through the portable Hono app (routing, identity,
 * policy, errors) as @hono/node-server's lazy Requests; a relayed stream's bytes are then
 * written straight to the ServerResponse, so they cross no Web stream on their way out.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import type { Gateway } from '../app.ts';
import { relayOf, servedDirectly, type ByteSink } from '../stream/relay.ts';
import { offerNative } from '../http/native-request.ts';
import { nodeRequest } from './node-request.ts';

/** @hono/node-server leaves a response alone when it carries this header and no body. */
const ALREADY_SENT = { status: 200, headers: new Headers({ 'x-hono-already-sent': 'true' }), body: null } as unknown as Response;

/**
 * @hono/node-server probes a streamed body before sending headers: when the first chunk is
 * ready but the second is not, it waits a timer tick (about 1 ms) to see whether the body is
 * short enough for a content-length. A body declared chunked goes out at once.
 */
function declareChunked(response: Response): Response {
  if (response.body !== null && !response.headers.has('content-length')) response.headers.set('transfer-encoding', 'chunked');
  return response;
}

interface ResponseSink extends ByteSink {
  /** Whether anything was written (the head went out with it). */
  wrote: boolean;
}

function sinkOf(outgoing: ServerResponse): ResponseSink {
  const sink: ResponseSink = {
    wrote: false,
    write: (bytes) => {
      sink.wrote = true;
      return outgoing.write(bytes);
    },
    drained: () =>
      new Promise<void>((resolve) => {
        const done = (): void => {
          outgoing.off('drain', done);
          outgoing.off('close', done);
          resolve();
        };
        outgoing.on('drain', done);
        outgoing.on('close', done);
      }),
    end: () => {
      if (!outgoing.destroyed) outgoing.end();
    },
  };
  return sink;
}

/** Sends a relayed response: status and headers at once, then the relay's chunks as they come. */
function writeRelayed(response: Response, outgoing: ServerResponse): boolean {
  const relay = relayOf(response);
  if (relay === undefined) return false;
  const head: string[] = [];
  response.headers.forEach((value, name) => head.push(name, value));
  outgoing.writeHead(response.status, head);
  outgoing.once('close', () => {
    if (!outgoing.writableFinished) relay.cancel('client went away');
  });
  const sink = sinkOf(outgoing);
  void relay.pumpTo(sink);
  // The head goes out with the first chunk, in one write, when that chunk came with the
  // upstream's headers (as it mostly does); otherwise alone, once this turn of the loop is over.
  setImmediate(flushHeadIfSilent, outgoing, sink);
  return true;
}

function flushHeadIfSilent(outgoing: ServerResponse, sink: ResponseSink): void {
  if (!sink.wrote && !outgoing.writableEnded && !outgoing.destroyed) outgoing.flushHeaders();
}

export function gatewayListener(gateway: Gateway): (incoming: IncomingMessage, outgoing: ServerResponse) => void {
  const listener = getRequestListener(async (request, env) => {
    // Every relayed response of this server is written by writeRelayed, never read as a Web stream.
    servedDirectly(request);
    offerNative(request, nodeRequest(env.incoming as IncomingMessage, env.outgoing as ServerResponse));
    const response = await gateway.fetch(request);
    return writeRelayed(response, env.outgoing as ServerResponse) ? ALREADY_SENT : declareChunked(response);
  });
  return (incoming, outgoing) => void listener(incoming, outgoing);
}

/** A node:http server for the gateway (not yet listening). */
export function createGatewayServer(gateway: Gateway): Server {
  // Node's 16 KiB header limit would answer an oversized token with a bare 431; at 64 KiB the
  // gateway itself refuses it with an Anthropic-shaped 401.
  const server = createServer({ maxHeaderSize: 64 * 1024 }, gatewayListener(gateway));
  // Streams may be quiet for minutes; the gateway's own idle timeout governs them.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  server.keepAliveTimeout = 65_000;
  return server;
}
