import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Relay, type ByteSink, type ChunkTransform, type RelayObserver } from '../../src/stream/relay.ts';
import type { ChunkHandlers, ChunkReader } from '../../src/upstream/transport.ts';
import type { Outcome } from '../../src/record/recorder.ts';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);
const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

/**
 * An upstream body the test feeds by hand; it records how often it was read and whether it was
 * cancelled. With `push`, it also offers subscribe() (as Node's bodies do) and then delivers
 * through the handlers, holding items back while paused.
 */
function pushOrPull(options: { push?: boolean } = {}) {
  const buffered: Array<{ value?: Uint8Array; done?: true; error?: unknown }> = [];
  let waiting: { resolve: (r: ReadableStreamReadResult<Uint8Array>) => void; reject: (e: unknown) => void } | undefined;
  const state = { reads: 0, cancelled: undefined as unknown, wasCancelled: false, paused: false };
  let handlers: ChunkHandlers | undefined;
  let over = false;
  const settle = (): void => {
    if (handlers !== undefined) {
      while (!state.paused && !over && buffered.length > 0) {
        const next = buffered.shift()!;
        if (next.error !== undefined) {
          over = true;
          handlers.error(next.error);
        } else if (next.done) {
          over = true;
          handlers.end();
        } else handlers.chunk(next.value!);
      }
      return;
    }
    if (!waiting || buffered.length === 0) return;
    const next = buffered.shift()!;
    const { resolve, reject } = waiting;
    waiting = undefined;
    if (next.error !== undefined) reject(next.error);
    else if (next.done) resolve({ done: true, value: undefined });
    else resolve({ done: false, value: next.value! });
  };
  const reader: ChunkReader = {
    read() {
      state.reads++;
      return new Promise((resolve, reject) => {
        waiting = { resolve, reject };
        settle();
      });
    },
    async cancel(reason) {
      state.wasCancelled = true;
      state.cancelled = reason;
      // A destroyed body fails at once, whatever it still held.
      buffered.splice(0, buffered.length, { error: new Error('cancelled') });
      state.paused = false;
      settle();
    },
  };
  if (options.push) {
    reader.subscribe = (given) => {
      handlers = given;
      settle();
      return {
        pause: () => {
          state.paused = true;
        },
        resume: () => {
          state.paused = false;
          settle();
        },
      };
    };
  }
  return {
    reader,
    state,
    push(chunk: Uint8Array) {
      buffered.push({ value: chunk });
      settle();
    },
    end() {
      buffered.push({ done: true });
      settle();
    },
    fail(error: unknown) {
      buffered.push({ error });
      settle();
    },
  };
}

function recordingObserver() {
  const seen: Uint8Array[] = [];
  const ends: Array<{ outcome: Outcome; detail?: string | undefined }> = [];
  const observer: RelayObserver = {
    chunk: (bytes) => seen.push(bytes),
    end: (outcome, detail) => ends.push({ outcome, detail }),
  };
  return { observer, seen, ends };
}

/** A client end that takes what it is given, optionally refusing more until drain() is called. */
function sinkThatTakes(options: { slow?: boolean } = {}) {
  const written: Uint8Array[] = [];
  let ended = false;
  let release: (() => void) | undefined;
  const sink: ByteSink = {
    write(bytes) {
      written.push(bytes);
      return !options.slow;
    },
    drained: () => new Promise<void>((resolve) => (release = resolve)),
    end() {
      ended = true;
    },
  };
  return { sink, written, ended: () => ended, drain: () => release?.() };
}

function relayOf(reader: ChunkReader, observer: RelayObserver, extra: { transform?: ChunkTransform; idleTimeoutMs?: number; sse?: boolean } = {}) {
  const aborts: string[] = [];
  const relay = new Relay(reader, {
    idleTimeoutMs: extra.idleTimeoutMs ?? 60_000,
    abortUpstream: (reason) => aborts.push(reason),
    sse: extra.sse ?? true,
    observer,
    transform: extra.transform,
  });
  return { relay, aborts };
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return out;
    out.push(value);
  }
}

/** Upper-cases each chunk; holds back any chunk that ends in "+" until the next one or the end. */
function holdingTransform(calls: string[]): ChunkTransform {
  let held = '';
  return {
    chunk(bytes, out) {
      const text = held + dec(bytes);
      calls.push(`chunk:${dec(bytes)}`);
      if (text.endsWith('+')) {
        held = text;
        return;
      }
      held = '';
      out.enqueue(enc(text.toUpperCase()));
    },
    finish(out) {
      calls.push('finish');
      if (held) out.enqueue(enc(`${held.toUpperCase()}!`));
    },
  };
}

for (const mode of ['pumpTo (pull)', 'pumpTo (push)', 'stream'] as const) {
  const end = mode === 'stream' ? 'stream' : 'pumpTo';
  const push = mode === 'pumpTo (push)';
  const manualReader = (): ReturnType<typeof pushOrPull> => pushOrPull({ push });
  const run = async (relay: Relay, sink = sinkThatTakes()): Promise<string[]> => {
    if (end === 'pumpTo') {
      await relay.pumpTo(sink.sink);
      return sink.written.map(dec);
    }
    return (await readAll(relay.stream())).map(dec);
  };

  test(`${mode}: the upstream's chunks reach the client and the observer as the same objects, then the end`, async () => {
    const upstream = manualReader();
    const { observer, seen, ends } = recordingObserver();
    const { relay } = relayOf(upstream.reader, observer);
    const chunks = [enc('event: a\n\n'), enc('event: b\n\n')];
    for (const c of chunks) upstream.push(c);
    upstream.end();
    const sink = sinkThatTakes();
    if (end === 'pumpTo') {
      await relay.pumpTo(sink.sink);
      assert.equal(sink.written[0], chunks[0]);
      assert.equal(sink.written[1], chunks[1]);
      assert.ok(sink.ended());
    } else {
      const out = await readAll(relay.stream());
      assert.equal(out[0], chunks[0]);
      assert.equal(out[1], chunks[1]);
    }
    assert.deepEqual(seen, chunks);
    assert.deepEqual(ends, [{ outcome: 'complete', detail: undefined }]);
  });

  test(`${mode}: a chunk is passed on before the next one is asked for (no buffering)`, async () => {
    const upstream = manualReader();
    const { observer } = recordingObserver();
    const { relay } = relayOf(upstream.reader, observer, { transform: holdingTransform([]) });
    const got: string[] = [];
    let done: Promise<unknown>;
    if (end === 'pumpTo') {
      const sink = sinkThatTakes();
      sink.sink.write = (bytes) => (got.push(dec(bytes)), true);
      done = relay.pumpTo(sink.sink);
    } else {
      const reader = relay.stream().getReader();
      done = (async () => {
        for (;;) {
          const r = await reader.read();
          if (r.done) return;
          got.push(dec(r.value));
        }
      })();
    }
    upstream.push(enc('one'));
    await tick();
    assert.deepEqual(got, ['ONE']);
    if (!push) assert.equal(upstream.state.reads, 2, 'one read done, the next one waiting');
    upstream.push(enc('two'));
    await tick();
    assert.deepEqual(got, ['ONE', 'TWO']);
    upstream.end();
    await done;
  });

  test(`${mode}: the transform runs on every chunk; what it holds comes with the next chunk or at the end, before the observer hears the end`, async () => {
    const upstream = manualReader();
    const { observer, seen, ends } = recordingObserver();
    const calls: string[] = [];
    const { relay } = relayOf(upstream.reader, observer, { transform: holdingTransform(calls) });
    for (const c of ['a', 'b+', 'c', 'd+']) upstream.push(enc(c));
    upstream.end();
    const out = await run(relay);
    assert.deepEqual(out, ['A', 'B+C', 'D+!']);
    assert.deepEqual(seen.map(dec), out, 'the observer (recording) sees what the client gets');
    assert.deepEqual(calls, ['chunk:a', 'chunk:b+', 'chunk:c', 'chunk:d+', 'finish']);
    assert.deepEqual(ends.map((e) => e.outcome), ['complete']);
  });

  test(`${mode}: an upstream failure midway ends an SSE stream with an error event; held text is dropped, never flushed`, async () => {
    const upstream = manualReader();
    const { observer, seen, ends } = recordingObserver();
    const calls: string[] = [];
    const { relay } = relayOf(upstream.reader, observer, { transform: holdingTransform(calls) });
    upstream.push(enc('a'));
    upstream.push(enc('secret+'));
    upstream.fail(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    const out = await run(relay);
    assert.equal(out.length, 2);
    assert.equal(out[0], 'A');
    assert.match(out[1]!, /^event: error\ndata: .*"api_error".*socket hang up/s);
    assert.ok(!out.join('').includes('SECRET'));
    assert.ok(!calls.includes('finish'));
    assert.deepEqual(seen.map(dec), out);
    assert.equal(ends[0]!.outcome, 'upstream_error');
  });

  test(`${mode}: a transform that throws ends the stream there: upstream aborted, the unchecked chunk never sent`, async () => {
    const upstream = manualReader();
    const { observer, ends } = recordingObserver();
    const transform: ChunkTransform = {
      chunk(bytes, out) {
        if (dec(bytes) === 'bad') throw new Error('masker bug');
        out.enqueue(bytes);
      },
      finish() {},
    };
    const { relay, aborts } = relayOf(upstream.reader, observer, { transform });
    upstream.push(enc('good'));
    upstream.push(enc('bad'));
    upstream.push(enc('later'));
    const out = await run(relay);
    assert.equal(out[0], 'good');
    assert.equal(out.length, 2);
    assert.match(out[1]!, /^event: error\n.*masker bug/s);
    assert.ok(!out.includes('bad') && !out.includes('later'));
    assert.deepEqual(aborts, ['transform failed']);
    assert.ok(upstream.state.wasCancelled);
    assert.equal(ends[0]!.outcome, 'upstream_error');
  });

  test(`${mode}: an upstream that goes quiet is aborted after the idle timeout and the client gets a timeout error event`, async () => {
    const upstream = manualReader();
    const { observer, ends } = recordingObserver();
    const aborts: string[] = [];
    const relay = new Relay(upstream.reader, {
      idleTimeoutMs: 40,
      abortUpstream: (reason) => {
        aborts.push(reason);
        upstream.fail(new Error('aborted'));
      },
      sse: true,
      observer,
    });
    upstream.push(enc('first'));
    const out = await run(relay);
    assert.equal(out[0], 'first');
    assert.match(out[1]!, /"timeout_error"/);
    assert.deepEqual(aborts, ['idle timeout']);
    assert.equal(ends[0]!.outcome, 'timeout');
  });

  test(`${mode}: a non-SSE body that fails midway just ends, with no event appended`, async () => {
    const upstream = manualReader();
    const { observer, ends } = recordingObserver();
    const { relay } = relayOf(upstream.reader, observer, { sse: false });
    upstream.push(enc('{"partial":'));
    upstream.fail(new Error('reset'));
    const out = await run(relay);
    assert.deepEqual(out, ['{"partial":']);
    assert.equal(ends[0]!.outcome, 'upstream_error');
  });
}

test('stream: cancelling the Web stream aborts the upstream and cancels the reader', async () => {
  const upstream = pushOrPull();
  const { observer, ends } = recordingObserver();
  const { relay, aborts } = relayOf(upstream.reader, observer);
  const reader = relay.stream().getReader();
  upstream.push(enc('one'));
  assert.equal(dec((await reader.read()).value!), 'one');
  await reader.cancel('gone');
  assert.deepEqual(aborts, ['client went away']);
  assert.ok(upstream.state.wasCancelled);
  assert.equal(ends[0]!.outcome, 'client_aborted');
});

for (const push of [false, true]) {
  test(`pumpTo (${push ? 'push' : 'pull'}): the client leaving aborts the upstream, cancels the reader and stops writing`, async () => {
  const upstream = pushOrPull({ push });
  const { observer, ends } = recordingObserver();
  const { relay, aborts } = relayOf(upstream.reader, observer, { transform: holdingTransform([]) });
  const sink = sinkThatTakes();
  const done = relay.pumpTo(sink.sink);
  upstream.push(enc('one'));
  await tick();
  relay.cancel('client went away');
  await done;
  upstream.push(enc('two'));
  await tick();
  assert.deepEqual(sink.written.map(dec), ['ONE']);
  assert.deepEqual(aborts, ['client went away']);
  assert.ok(upstream.state.wasCancelled);
  assert.deepEqual(ends, [{ outcome: 'client_aborted', detail: 'client went away' }]);
});

  test(`pumpTo (${push ? 'push' : 'pull'}): a slow client is waited for before the upstream is read again`, async () => {
  const upstream = pushOrPull({ push });
  const { observer } = recordingObserver();
  const { relay } = relayOf(upstream.reader, observer);
  const sink = sinkThatTakes({ slow: true });
  const done = relay.pumpTo(sink.sink);
  upstream.push(enc('one'));
  upstream.push(enc('two'));
  await tick();
  assert.deepEqual(sink.written.map(dec), ['one']);
  if (push) assert.ok(upstream.state.paused, 'the upstream is paused while the client has not drained');
  else assert.equal(upstream.state.reads, 1, 'no read while the client has not drained');
  sink.drain();
  await tick();
  assert.deepEqual(sink.written.map(dec), ['one', 'two']);
  upstream.end();
  sink.drain();
  await done;
  assert.ok(sink.ended());
});
}
