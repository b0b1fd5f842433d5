// The shape and pacing of one simulated Claude stream.
//
// The simulator and the load driver both build the same script from the same scenario, so the
// driver knows when each event left the simulator (relative to the request's arrival) and can
// measure how late it reached the client, without any clock shared between processes.

export interface Scenario {
  /** Delay between receiving the request and sending headers + message_start. */
  ttfbMs: number;
  /** Spacing between consecutive deltas (about 15 ms is what Claude looks like on the wire). */
  deltaSpacingMs: number;
  /** Characters of text per text/thinking delta (a few tokens each). */
  deltaChars: number;
  /** Number of thinking_delta events (0 = no thinking block). */
  thinkingDeltas: number;
  /** Number of text_delta events in the text block. */
  textDeltas: number;
  /** Number of input_json_delta events in a tool_use block (0 = no tool call). */
  toolDeltas: number;
  /** Put one fake credential into the text once per stream, so maskers have real work. */
  includeSecret: boolean;
}

/** Realistic pacing for latency rounds: deltas about 15 ms apart. */
export const realisticScenario: Scenario = {
  ttfbMs: 20,
  deltaSpacingMs: 15,
  deltaChars: 12,
  thinkingDeltas: 6,
  textDeltas: 30,
  toolDeltas: 4,
  includeSecret: false,
};

/**
 * No pacing: each event still goes out in its own write, back to back, so this measures how
 * many streams (and events) per second a proxy can carry.
 */
export const saturationScenario: Scenario = {
  ttfbMs: 0,
  deltaSpacingMs: 0,
  deltaChars: 12,
  thinkingDeltas: 0,
  textDeltas: 20,
  toolDeltas: 0,
  includeSecret: false,
};

/** Streams that stay open and nearly silent, to measure memory held per open stream. */
export const idleScenario: Scenario = {
  ttfbMs: 0,
  deltaSpacingMs: 400,
  deltaChars: 12,
  thinkingDeltas: 0,
  textDeltas: 12,
  toolDeltas: 0,
  includeSecret: false,
};

/** A group of SSE events written to the socket in one write, at `atMs` after the request. */
export interface Emission {
  atMs: number;
  text: string;
}

/**
 * When each event is scheduled to leave the simulator, keyed by what the event is rather than
 * by its position: a proxy may add events (a masker flushing held-back text as an extra
 * delta), and positional matching would then compare every later event with the wrong time.
 */
export interface EventSchedule {
  /** eventKey(type, index, ordinal) -> offset in ms from the request's arrival. */
  offsetsMs: Record<string, number>;
  /** `${type}/${index}` -> how many events of that kind the script has (for clamping extras). */
  counts: Record<string, number>;
}

export interface StreamScript {
  emissions: Emission[];
  /** For every SSE event, in order, the time it was scheduled to leave the simulator. */
  eventOffsetsMs: number[];
  schedule: EventSchedule;
}

/** The ordinal-th event of this type in content block `index` (-1 for message-level events). */
export function eventKey(type: string, index: number, ordinal: number): string {
  return `${type}/${index}/${ordinal}`;
}

const WORDS = 'the quick brown fox jumps over a lazy dog while streaming tokens arrive in order '.repeat(4);
// Looks like an AWS access key id: a pattern every secret masker knows.
const FAKE_SECRET = ' AKIAIOSFODNN7EXAMPLE ';

function sse(type: string, data: unknown): string {
  return `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
}

function filler(chars: number, seed: number): string {
  const start = (seed * 7) % (WORDS.length - chars - 1);
  return WORDS.slice(start, start + chars);
}

/** Builds the full event script of one stream; pure and deterministic. */
export function buildStreamScript(s: Scenario, model = 'claude-sonnet-4-5'): StreamScript {
  const emissions: Emission[] = [];
  const eventOffsetsMs: number[] = [];
  const schedule: EventSchedule = { offsetsMs: {}, counts: {} };
  let pending: string[] = [];
  let clock = s.ttfbMs;

  const emit = (type: string, data: { type: string; index?: number; [field: string]: unknown }): void => {
    pending.push(sse(type, data));
    eventOffsetsMs.push(clock);
    const kind = `${type}/${data.index ?? -1}`;
    const ordinal = schedule.counts[kind] ?? 0;
    schedule.counts[kind] = ordinal + 1;
    schedule.offsetsMs[eventKey(type, data.index ?? -1, ordinal)] = clock;
  };
  const flush = (): void => {
    if (pending.length > 0) emissions.push({ atMs: clock, text: pending.join('') });
    pending = [];
  };
  const tick = (): void => {
    flush();
    clock += s.deltaSpacingMs;
  };

  const outputTokens = s.thinkingDeltas + s.textDeltas + s.toolDeltas;
  emit('message_start', {
    type: 'message_start',
    message: {
      id: 'msg_bench0000000000000000000',
      type: 'message',
      role: 'assistant',
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 512, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    },
  });
  emit('ping', { type: 'ping' });

  let index = 0;
  if (s.thinkingDeltas > 0) {
    emit('content_block_start', { type: 'content_block_start', index, content_block: { type: 'thinking', thinking: '', signature: '' } });
    for (let i = 0; i < s.thinkingDeltas; i++) {
      emit('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'thinking_delta', thinking: filler(s.deltaChars, i) } });
      tick();
    }
    emit('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'signature_delta', signature: 'EqQBCkYIBRgCKkBbenchsignature==' } });
    emit('content_block_stop', { type: 'content_block_stop', index });
    index++;
  }

  emit('content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
  const secretAt = s.includeSecret ? Math.floor(s.textDeltas / 2) : -1;
  for (let i = 0; i < s.textDeltas; i++) {
    const text = i === secretAt ? FAKE_SECRET : filler(s.deltaChars, i + 3);
    emit('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text } });
    tick();
  }
  emit('content_block_stop', { type: 'content_block_stop', index });
  index++;

  if (s.toolDeltas > 0) {
    emit('content_block_start', {
      type: 'content_block_start',
      index,
      content_block: { type: 'tool_use', id: 'toolu_bench000000000000000', name: 'read_file', input: {} },
    });
    const json = JSON.stringify({ path: 'src/app.ts', reason: filler(s.deltaChars * s.toolDeltas, 1) });
    const step = Math.ceil(json.length / s.toolDeltas);
    for (let i = 0; i < s.toolDeltas; i++) {
      const partial_json = json.slice(i * step, (i + 1) * step);
      emit('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json } });
      tick();
    }
    emit('content_block_stop', { type: 'content_block_stop', index });
  }

  emit('message_delta', {
    type: 'message_delta',
    delta: { stop_reason: s.toolDeltas > 0 ? 'tool_use' : 'end_turn', stop_sequence: null },
    usage: { output_tokens: outputTokens },
  });
  emit('message_stop', { type: 'message_stop' });
  flush();
  return { emissions, eventOffsetsMs, schedule };
}

/** A Messages API request body of roughly `approxBytes`, as an agent resending history sends. */
export function buildRequestBody(approxBytes: number, model = 'claude-sonnet-4-5'): string {
  const turns: Array<{ role: string; content: string }> = [];
  let size = 0;
  for (let i = 0; size < approxBytes; i++) {
    const content = `turn ${i}: ${WORDS}`;
    turns.push({ role: i % 2 === 0 ? 'user' : 'assistant', content });
    size += content.length + 32;
  }
  if (turns.length % 2 === 0) turns.push({ role: 'user', content: 'continue' });
  return JSON.stringify({ model, max_tokens: 1024, stream: true, messages: turns });
}
