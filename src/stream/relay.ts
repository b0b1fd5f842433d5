import { errorEvent } from '../http/errors.ts';
import type { Outcome } from '../record/recorder.ts';
import type { ChunkReader } from '../upstream/transport.ts';

/** Who hears about a relayed stream: every chunk as the client gets it, and the ending. */
export interface RelayObserver {
  chunk(bytes: Uint8Array): void;
  end(outcome: Outcome, detail?: string): void;
}

/** Where a transform hands what the client gets (a TransformStream's controller fits too). */
export interface ChunkOutput {
  enqueue(bytes: Uint8Array): void;
}

/**
 * A synchronous transform of the relayed bytes (the response masker): a plain call per upstream
 * chunk, no Web stream. Each call hands zero or more chunks to the output.
 */
export interface ChunkTransform {
  chunk(bytes: Uint8Array, out: ChunkOutput): void;
  /** The upstream ended normally: whatever the transform still holds goes out now. Never called after a failure. */
  finish(out: ChunkOutput): void;
}

export interface RelayOptions {
  /** A stream that delivers nothing for this long is ended as a timeout. */
  idleTimeoutMs: number;
  /** Stops the upstream request (client gone, or idle too long). */
  abortUpstream(reason: string): void;
  /** The caller's request signal: a read that fails after it aborted is the caller leaving. */
  clientSignal?: { readonly aborted: boolean } | undefined;
  /** Server-sent events: a failure midway is told to the client as an error event. */
  sse: boolean;
  observer: RelayObserver;
  /** Runs on every upstream chunk before the client and the observer see it. */
  transform?: ChunkTransform | undefined;
}

/**
 * Where a runtime's server writes a relayed body directly, without a Web stream in between
 * (src/runtime/node-server.ts adapts Node's ServerResponse to it).
 */
export interface ByteSink {
  /** False when the client is not taking more for now: wait for drained() before the next. */
  write(bytes: Uint8Array): boolean;
  /** Resolves when the client takes more, or has gone. */
  drained(): Promise<void>;
  end(): void;
}

const encoder = new TextEncoder();

/**
 * Hands the upstream's chunks to the client as they arrive: the same Uint8Array objects, no
 * copies, no decoding, no timers per chunk (the idle check reads one timestamp per chunk).
 * A transform, when there is one, is a plain call on each chunk as it passes.
 * The client end is either a Web stream (stream(), every runtime) or a runtime's own
 * writer (pumpTo(), where the runtime offers one); the guarantees are the same.
 */
export class Relay {
  private lastChunkAt = performance.now();
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private timedOut = false;
  /** The observer has been told how the stream ended; nothing more is read upstream. */
  private ended = false;
  /** The client left: nothing more is written to it. */
  private cancelled = false;
  /** What the transform (or a failure's error event) produced and the client has yet to get, in order. */
  private readonly ready: Uint8Array[] = [];
  private readonly output: ChunkOutput = {
    enqueue: (bytes) => {
      this.options.observer.chunk(bytes);
      this.ready.push(bytes);
    },
  };

  constructor(
    private readonly reader: ChunkReader,
    private readonly options: RelayOptions,
  ) {
    this.idleTimer = setTimeout(this.checkIdle, options.idleTimeoutMs);
  }

  private readonly checkIdle = (): void => {
    if (this.ended) return;
    const idleFor = performance.now() - this.lastChunkAt;
    if (idleFor >= this.options.idleTimeoutMs) {
      this.timedOut = true;
      this.options.abortUpstream('idle timeout');
      return;
    }
    this.idleTimer = setTimeout(this.checkIdle, this.options.idleTimeoutMs - idleFor);
  };

  private finish(outcome: Outcome, detail?: string): void {
    if (this.ended) return;
    this.ended = true;
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    this.options.observer.end(outcome, detail);
  }

  /**
   * The next chunk for the client, or undefined when the stream is over (the relay has then
   * finished; on a failure midway of an SSE stream the error event was the last chunk).
   */
  private async next(): Promise<Uint8Array | undefined> {
    while (this.ready.length === 0) {
      if (this.ended) return undefined;
      let result: ReadableStreamReadResult<Uint8Array>;
      try {
        result = await this.reader.read();
      } catch (error) {
        this.readFailed(error);
        continue;
      }
      // A read that was under way when the client left: its chunk goes nowhere.
      if (this.ended) continue;
      if (result.done) {
        this.completed();
        continue;
      }
      this.lastChunkAt = performance.now();
      const transform = this.options.transform;
      if (transform === undefined) {
        this.options.observer.chunk(result.value);
        return result.value;
      }
      try {
        transform.chunk(result.value, this.output);
      } catch (error) {
        this.transformFailed(error);
      }
    }
    return this.ready.shift();
  }

  private completed(): void {
    if (this.ended) return;
    try {
      this.options.transform?.finish(this.output);
    } catch (error) {
      this.transformFailed(error);
      return;
    }
    this.finish('complete');
  }

  private readFailed(error: unknown): void {
    if (this.ended) return;
    if (this.options.clientSignal?.aborted) {
      this.finish('client_aborted');
      return;
    }
    this.failure(this.timedOut ? 'timeout' : 'upstream_error', this.timedOut
      ? `The upstream sent nothing for ${this.options.idleTimeoutMs} ms; the stream was ended.`
      : `The upstream connection failed mid-response: ${describe(error)}`);
  }

  /** The transform could not handle a chunk: nothing it has not checked may reach the client, so the stream ends here. */
  private transformFailed(error: unknown): void {
    // Ended first: the reader may report its own cancellation at once, and that is not the cause.
    this.failure('upstream_error', `The gateway could not process the response: ${describe(error)}`);
    this.options.abortUpstream('transform failed');
    this.reader.cancel(error).catch(() => {});
  }

  private failure(outcome: Outcome, message: string): void {
    if (this.ended) return;
    if (this.options.sse) this.output.enqueue(encoder.encode(errorEvent(outcome === 'timeout' ? 'timeout_error' : 'api_error', message)));
    this.finish(outcome, message);
  }

  /** The client left: the upstream request stops too. */
  cancel(reason?: unknown): void {
    this.cancelled = true;
    this.ready.length = 0;
    if (this.ended) return;
    this.finish('client_aborted', typeof reason === 'string' ? reason : undefined);
    this.options.abortUpstream('client went away');
    this.reader.cancel(reason).catch(() => {});
  }

  /** The relayed body as a Web stream: pulled by the client, one upstream read per pull. */
  stream(): ReadableStream<Uint8Array> {
    return new ReadableStream<Uint8Array>(
      {
        pull: async (controller) => {
          const chunk = await this.next();
          if (this.cancelled) return;
          if (chunk) controller.enqueue(chunk);
          else closeQuietly(controller);
        },
        cancel: (reason) => this.cancel(reason),
      },
      { highWaterMark: 0 },
    );
  }

  /** Writes the relayed body to a runtime's own writer, waiting whenever the client is slow. */
  pumpTo(sink: ByteSink): Promise<void> {
    return this.reader.subscribe === undefined ? this.pullTo(sink) : this.pushTo(sink);
  }

  private async pullTo(sink: ByteSink): Promise<void> {
    for (;;) {
      const chunk = await this.next();
      if (this.cancelled) return;
      if (chunk === undefined) {
        sink.end();
        return;
      }
      if (!sink.write(chunk)) await sink.drained();
      if (this.cancelled) return;
    }
  }

  /**
   * The same for a body that pushes its chunks: each chunk goes through the transform and out
   * in the call that delivered it, with no promise per chunk; the upstream is paused while the
   * client is slow.
   */
  private pushTo(sink: ByteSink): Promise<void> {
    return new Promise<void>((resolve) => {
      let over = false;
      let paused = false;
      const close = (): void => {
        if (over) return;
        over = true;
        if (!this.cancelled) {
          for (const chunk of this.ready.splice(0)) sink.write(chunk);
          sink.end();
        }
        resolve();
      };
      const deliver = (bytes: Uint8Array): void => {
        if (sink.write(bytes) || paused) return;
        paused = true;
        flow.pause();
        void sink.drained().then(() => {
          paused = false;
          if (!this.ended) flow.resume();
        });
      };
      const flow = this.reader.subscribe!({
        chunk: (bytes) => {
          if (this.ended) return;
          this.lastChunkAt = performance.now();
          const transform = this.options.transform;
          if (transform === undefined) {
            this.options.observer.chunk(bytes);
            deliver(bytes);
            return;
          }
          try {
            transform.chunk(bytes, this.output);
          } catch (error) {
            this.transformFailed(error);
            close();
            return;
          }
          while (this.ready.length > 0) deliver(this.ready.shift()!);
        },
        end: () => {
          this.completed();
          close();
        },
        error: (error) => {
          this.readFailed(error);
          close();
        },
      });
    });
  }
}

const directBodies = new WeakMap<Response, Relay>();
const directRequests = new WeakSet<Request>();

/**
 * Marks a request whose server writes a relayed response itself (pumpTo): its relayed
 * response then carries no Web stream at all (building one costs tens of microseconds on
 * Node, for a stream nobody would read).
 */
export function servedDirectly(request: Request): void {
  directRequests.add(request);
}

/**
 * A response whose body is relayed. Any runtime reads its Web stream; a runtime that can
 * write the bytes itself asks relayOf() for the relay and pumps it instead. For a request its
 * server marked with servedDirectly(), the response has no body: the server pumps the relay.
 */
export function relayedResponse(relay: Relay, init: ResponseInit, request?: Request): Response {
  const direct = request !== undefined && directRequests.has(request);
  const response = new Response(direct ? null : relay.stream(), init);
  directBodies.set(response, relay);
  return response;
}

export function relayOf(response: Response): Relay | undefined {
  return directBodies.get(response);
}

/** The client may already have cancelled; closing then has nothing left to do. */
function closeQuietly(controller: ReadableStreamDefaultController<Uint8Array>): void {
  try {
    controller.close();
  } catch {
    // already closed or cancelled
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    return cause?.code ?? error.message;
  }
  return String(error);
}
