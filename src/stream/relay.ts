import { errorEvent } from '../http/errors.ts';
import type { Outcome } from '../record/recorder.ts';

/** Who hears about a relayed stream: every chunk as the client gets it, and the ending. */
export interface RelayObserver {
  chunk(bytes: Uint8Array): void;
  end(outcome: Outcome, detail?: string): void;
}

export interface RelayOptions {
  /** A stream that delivers nothing for this long is ended as a timeout. */
  idleTimeoutMs: number;
  /** Stops the upstream request (client gone, or idle too long). */
  abortUpstream(reason: string): void;
  /** The caller's request signal: a read that fails after it aborted is the caller leaving. */
  clientSignal?: AbortSignal | undefined;
  /** Server-sent events: a failure midway is told to the client as an error event. */
  sse: boolean;
  observer: RelayObserver;
}

const encoder = new TextEncoder();

/**
 * Hands the upstream's chunks to the client as they arrive: the same Uint8Array objects, no
 * copies, no decoding, no timers per chunk (the idle check reads one timestamp per chunk).
 */
export function relay(source: ReadableStream<Uint8Array>, options: RelayOptions): ReadableStream<Uint8Array> {
  const { observer } = options;
  const reader = source.getReader();
  let lastChunkAt = performance.now();
  let idleTimer: ReturnType<typeof setTimeout> | undefined;
  let timedOut = false;
  let ended = false;

  const finish = (outcome: Outcome, detail?: string): void => {
    if (ended) return;
    ended = true;
    if (idleTimer !== undefined) clearTimeout(idleTimer);
    observer.end(outcome, detail);
  };

  const checkIdle = (): void => {
    if (ended) return;
    const idleFor = performance.now() - lastChunkAt;
    if (idleFor >= options.idleTimeoutMs) {
      timedOut = true;
      options.abortUpstream('idle timeout');
      return;
    }
    idleTimer = setTimeout(checkIdle, options.idleTimeoutMs - idleFor);
  };

  const fail = (controller: ReadableStreamDefaultController<Uint8Array>, outcome: Outcome, message: string): void => {
    if (options.sse) {
      const bytes = encoder.encode(errorEvent(outcome === 'timeout' ? 'timeout_error' : 'api_error', message));
      observer.chunk(bytes);
      controller.enqueue(bytes);
    }
    finish(outcome, message);
    closeQuietly(controller);
  };

  return new ReadableStream<Uint8Array>(
    {
      start() {
        idleTimer = setTimeout(checkIdle, options.idleTimeoutMs);
      },
      async pull(controller) {
        let result: ReadableStreamReadResult<Uint8Array>;
        try {
          result = await reader.read();
        } catch (error) {
          if (ended) return;
          if (options.clientSignal?.aborted) {
            finish('client_aborted');
            closeQuietly(controller);
            return;
          }
          if (timedOut) fail(controller, 'timeout', `The upstream sent nothing for ${options.idleTimeoutMs} ms; the stream was ended.`);
          else fail(controller, 'upstream_error', `The upstream connection failed mid-response: ${describe(error)}`);
          return;
        }
        if (result.done) {
          finish('complete');
          controller.close();
          return;
        }
        lastChunkAt = performance.now();
        observer.chunk(result.value);
        controller.enqueue(result.value);
      },
      cancel(reason) {
        finish('client_aborted', typeof reason === 'string' ? reason : undefined);
        options.abortUpstream('client went away');
        reader.cancel(reason).catch(() => {});
      },
    },
    { highWaterMark: 0 },
  );
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
