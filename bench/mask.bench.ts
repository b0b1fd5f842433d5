/**
 * Masker benchmark: `node --import tsx bench/mask.bench.ts [--mb 8]`
 *
 *  - throughput (MB/s of SSE, one core) of the streaming masker over prose and over code;
 *  - characters held back per text delta on secret-free prose (median, p99);
 *  - added latency per event, masking on versus off (an identity transform), p50 and p99;
 *  - hold-back latency: streams paced like a live answer (one event every --gap ms), 1 and 16
 *    at once; for each text event, the time from writing it until all of its text has reached
 *    the client. Text held back waits for the next event (or content_block_stop), so this is
 *    where the release rule shows; masking on versus off, p50 and p99.
 *
 * Targets: >= 100 MB/s, median hold-back 0, added per-event p99 <= 1 ms, hold-back latency
 * p99 within 1 ms of masking off at 1 and 16 streams.
 * Prints a table and writes bench/results/mask.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { maskingConfigSchema } from '../src/mask/config.ts';
import { createMasker } from '../src/mask/index.ts';
import { Redactor } from '../src/mask/redactor.ts';
import { compileRuleset } from '../src/mask/ruleset.ts';

const { values } = parseArgs({
  options: {
    mb: { type: 'string', default: '8' },
    events: { type: 'string', default: '5000' },
    gap: { type: 'string', default: '5' },
    'paced-events': { type: 'string', default: '800' },
  },
});
const targetBytes = Number(values.mb) * 1024 * 1024;
const latencyEvents = Number(values.events);

let seed = 42;
const random = (): number => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
};
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

const WORDS = `the a of and to in is that it for on with as was this be by are at from or an which but not have
has they you we can more one all their there been when would will if so what about out up into than only other
also time some could these two may first then do any like my now over such our man me even most made after
model answer gateway request stream secret token password configuration deploy service cluster example value
système données naïve café über straße 東京 数据 🚀 — “quoted” ‘text’`.split(/\s+/);

function prose(chars: number): string {
  let out = '';
  while (out.length < chars) {
    const n = 6 + Math.floor(random() * 14);
    const sentence = Array.from({ length: n }, () => pick(WORDS)).join(' ');
    out += sentence[0]!.toUpperCase() + sentence.slice(1) + pick(['. ', '. ', ', ', '? ', '.\n\n', ': ']);
  }
  return out.slice(0, chars);
}

const CODE_LINES = [
  'export async function handle(request: Request): Promise<Response> {',
  '  const token = request.headers.get("authorization")?.slice(7) ?? "";',
  '  if (!token) return new Response("missing token", { status: 401 });',
  '  const { password, username } = await request.json() as Credentials;',
  '  for (let i = 0; i < items.length; i++) total += items[i].price * items[i].quantity;',
  '  const url = new URL("https://api.internal/v1/users?page=" + page);',
  '  // Refresh the access_key before it expires; see docs/auth.md.',
  '  return json({ ok: true, secretName: config.secretName, apiKey: process.env.API_KEY });',
  '}',
  'def fetch_rows(cursor, limit=100):',
  '    rows = cursor.execute("SELECT id, name FROM users WHERE active = %s LIMIT %s", (True, limit))',
  '    return [Row(*r) for r in rows]',
  'const tokenizer = new Tokenizer({ vocab, merges, lowercase: false });',
  '    "dependencies": { "zod": "^4.0.0", "jose": "^6.0.0" },',
  'DATABASE_URL=postgres://app:${DB_PASSWORD}@db:5432/app',
];

function code(chars: number): string {
  let out = '';
  while (out.length < chars) out += `${pick(CODE_LINES)}\n`;
  return out.slice(0, chars);
}

/**
 * Cuts text into deltas the way the API streams them: tokens (a word with its leading space,
 * or punctuation), one to three tokens a delta. `randomCuts` instead cuts anywhere, 1..16
 * UTF-16 units (never inside a surrogate pair): a harsher case, with many cuts inside words.
 */
function deltas(text: string, randomCuts = false): string[] {
  const out: string[] = [];
  if (randomCuts) {
    for (let i = 0; i < text.length; ) {
      let n = 1 + Math.floor(random() * 16);
      if (i + n < text.length && /[\ud800-\udbff]/.test(text[i + n - 1]!)) n++;
      out.push(text.slice(i, i + n));
      i += n;
    }
    return out;
  }
  const tokens = text.match(/\s*[\p{L}\p{N}_]{1,8}|\s*[^\s\p{L}\p{N}_]|\s+/gu) ?? [];
  for (let i = 0; i < tokens.length; ) {
    const n = 1 + Math.floor(random() * 3);
    out.push(tokens.slice(i, i + n).join(''));
    i += n;
  }
  return out;
}

const encoder = new TextEncoder();
function sse(parts: string[]): string[] {
  const events = [
    `event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","content":[],"model":"claude","usage":{"input_tokens":10,"output_tokens":1}}}\n\n`,
    `event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n`,
  ];
  for (const part of parts) events.push(`event: content_block_delta\ndata: ${JSON.stringify({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: part } })}\n\n`);
  events.push(`event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n`, `event: message_stop\ndata: {"type":"message_stop"}\n\n`);
  return events;
}

/** Groups events into network-sized chunks. */
function chunks(events: string[], size = 16 * 1024): Uint8Array[] {
  const out: Uint8Array[] = [];
  let current = '';
  for (const event of events) {
    current += event;
    if (current.length >= size) {
      out.push(encoder.encode(current));
      current = '';
    }
  }
  if (current) out.push(encoder.encode(current));
  return out;
}

async function pump(transform: TransformStream<Uint8Array, Uint8Array>, input: Uint8Array[]): Promise<number> {
  const writer = transform.writable.getWriter();
  const reader = transform.readable.getReader();
  let bytes = 0;
  const reading = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      bytes += value.length;
    }
  })();
  for (const chunk of input) await writer.write(chunk);
  await writer.close();
  await reading;
  return bytes;
}

const config = maskingConfigSchema.parse(undefined);
const masker = createMasker(config);

async function throughput(name: string, text: string, randomCuts = false): Promise<{ corpus: string; mb: number; mbPerSecond: number; passedUnchanged: number }> {
  const input = chunks(sse(deltas(text, randomCuts)));
  const total = input.reduce((n, c) => n + c.length, 0);
  // Steady state: one full pass warms the JIT up, then the median of three timed passes.
  await pump(masker.sse(() => {}), input);
  const rates: number[] = [];
  let out = 0;
  for (let run = 0; run < 3; run++) {
    const started = performance.now();
    out = await pump(masker.sse(() => {}), input);
    rates.push(total / 1048576 / ((performance.now() - started) / 1000));
  }
  rates.sort((a, b) => a - b);
  return { corpus: name, mb: total / 1048576, mbPerSecond: rates[1]!, passedUnchanged: out === total ? 1 : out / total };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function holdback(text: string, randomCuts = false): { median: number; p99: number; max: number; deltas: number } {
  const ruleset = compileRuleset(config);
  const redactor = new Redactor(ruleset, config.holdbackCap, () => {});
  const held: number[] = [];
  for (const part of deltas(text, randomCuts)) {
    redactor.push(part);
    held.push(redactor.held);
  }
  held.sort((a, b) => a - b);
  return { median: percentile(held, 50), p99: percentile(held, 99), max: held.at(-1)!, deltas: held.length };
}

/**
 * Time from writing one event (one event per chunk, as a live stream sends them) until the
 * transform has handled it and its output is queued for the client, with the client reading.
 * Events whose text is held back produce no output of their own, so the write is what is timed.
 */
async function eventLatency(transform: TransformStream<Uint8Array, Uint8Array>, events: Uint8Array[]): Promise<number[]> {
  const writer = transform.writable.getWriter();
  const reader = transform.readable.getReader();
  const draining = (async () => {
    while (!(await reader.read()).done);
  })();
  const times: number[] = [];
  for (const event of events) {
    const started = performance.now();
    await writer.write(event);
    times.push(performance.now() - started);
  }
  await writer.close();
  await draining;
  return times;
}

async function latency(): Promise<{ offP50: number; offP99: number; onP50: number; onP99: number; addedP50: number; addedP99: number }> {
  const events = sse(deltas(prose(latencyEvents * 8))).slice(0, latencyEvents).map((e) => encoder.encode(e));
  await eventLatency(new TransformStream(), events.slice(0, 500));
  await eventLatency(masker.sse(() => {}), events.slice(0, 500));
  const off = (await eventLatency(new TransformStream(), events)).sort((a, b) => a - b);
  const on = (await eventLatency(masker.sse(() => {}), events)).sort((a, b) => a - b);
  const [offP50, offP99, onP50, onP99] = [percentile(off, 50), percentile(off, 99), percentile(on, 50), percentile(on, 99)];
  return { offP50, offP99, onP50, onP99, addedP50: onP50 - offP50, addedP99: onP99 - offP99 };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const decoder = new TextDecoder();

/**
 * One paced stream: writes the events `gapMs` apart and returns, for each text event, the time
 * until the client has received text up to that event's end. Output text is counted from the
 * client's side (events parsed as they arrive), the same way with masking on and off.
 */
async function pacedStream(transform: TransformStream<Uint8Array, Uint8Array>, events: string[], gapMs: number): Promise<number[]> {
  const writer = transform.writable.getWriter();
  const reader = transform.readable.getReader();
  const waiting: { need: number; at: number }[] = [];
  const latencies: number[] = [];
  let head = 0;
  let received = 0;
  const reading = (async () => {
    let carry = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      carry += decoder.decode(value, { stream: true });
      for (let end = carry.indexOf('\n\n'); end >= 0; end = carry.indexOf('\n\n')) {
        const data = carry.slice(carry.indexOf('data: ') + 6, end);
        carry = carry.slice(end + 2);
        const parsed = JSON.parse(data) as { type: string; delta?: { text?: string } };
        if (parsed.type === 'content_block_delta') received += parsed.delta?.text?.length ?? 0;
      }
      const now = performance.now();
      while (head < waiting.length && waiting[head]!.need <= received) latencies.push(now - waiting[head++]!.at);
    }
  })();
  let sent = 0;
  for (const event of events) {
    await sleep(gapMs);
    const text = event.startsWith('event: content_block_delta') ? (JSON.parse(event.slice(event.indexOf('data: ') + 6)) as { delta: { text: string } }).delta.text : '';
    const bytes = encoder.encode(event);
    if (text) {
      sent += text.length;
      waiting.push({ need: sent, at: performance.now() });
    }
    await writer.write(bytes);
  }
  await writer.close();
  await reading;
  return latencies;
}

async function holdbackLatency(streams: number, gapMs: number, eventsPerStream: number): Promise<{ streams: number; offP50: number; offP99: number; onP50: number; onP99: number; addedP99: number; heldPastNextEventOn: number; heldPastNextEventOff: number }> {
  // Answers as the API streams them: prose and code, one to three tokens a delta, each stream
  // its own text, several blocks' worth ending in content_block_stop.
  const texts = Array.from({ length: streams }, (_, i) => (i % 2 === 0 ? prose(eventsPerStream * 9) : code(eventsPerStream * 9)));
  const eventsOf = (text: string) => sse(deltas(text)).slice(0, eventsPerStream - 2).concat(sse([]).slice(-2));
  const run = async (on: boolean) =>
    (await Promise.all(texts.map((text) => pacedStream(on ? masker.sse(() => {}) : new TransformStream(), eventsOf(text), gapMs)))).flat().sort((a, b) => a - b);
  await run(true); // warm-up
  const off = await run(false);
  const on = await run(true);
  const late = (list: number[]) => list.filter((ms) => ms >= gapMs / 2).length / list.length;
  const [offP50, offP99, onP50, onP99] = [percentile(off, 50), percentile(off, 99), percentile(on, 50), percentile(on, 99)];
  return { streams, offP50, offP99, onP50, onP99, addedP99: onP99 - offP99, heldPastNextEventOn: late(on), heldPastNextEventOff: late(off) };
}

const proseText = prose(Math.floor(targetBytes / 7));
const codeText = code(Math.floor(targetBytes / 7));
const results = {
  date: new Date().toISOString(),
  node: process.version,
  throughput: [
    await throughput('prose', proseText),
    await throughput('code', codeText),
    await throughput('prose, cuts anywhere', proseText, true),
  ],
  holdbackProse: holdback(proseText.slice(0, 2_000_000)),
  holdbackProseCutsAnywhere: holdback(proseText.slice(0, 2_000_000), true),
  latencyMs: await latency(),
  holdbackLatencyMs: {
    gapMs: Number(values.gap),
    oneStream: await holdbackLatency(1, Number(values.gap), Number(values['paced-events'])),
    sixteenStreams: await holdbackLatency(16, Number(values.gap), Number(values['paced-events'])),
  },
  loadAverage: loadavg().map((l) => Number(l.toFixed(2))),
  targets: { mbPerSecond: 100, holdbackMedian: 0, addedP99Ms: 1, holdbackAddedP99Ms: 1 },
};

const f = (n: number, d = 1) => n.toFixed(d);
console.log('masker benchmark (one core)');
console.log('corpus                 SSE MB    MB/s');
for (const t of results.throughput) console.log(`${t.corpus.padEnd(22)} ${f(t.mb).padStart(6)}  ${f(t.mbPerSecond).padStart(6)}`);
const h = results.holdbackProse;
const hc = results.holdbackProseCutsAnywhere;
console.log(`held back on prose, chars per delta: median ${h.median}, p99 ${h.p99}, max ${h.max} (${h.deltas} token deltas)`);
console.log(`  with cuts anywhere:                median ${hc.median}, p99 ${hc.p99}, max ${hc.max} (${hc.deltas} deltas)`);
const l = results.latencyMs;
console.log(`per-event latency ms   p50      p99`);
console.log(`  masking off        ${f(l.offP50, 4)}  ${f(l.offP99, 4)}`);
console.log(`  masking on         ${f(l.onP50, 4)}  ${f(l.onP99, 4)}`);
console.log(`  added              ${f(l.addedP50, 4)}  ${f(l.addedP99, 4)}`);
const paced = [results.holdbackLatencyMs.oneStream, results.holdbackLatencyMs.sixteenStreams];
console.log(`hold-back latency, one event every ${results.holdbackLatencyMs.gapMs} ms (ms until an event's text is out)`);
console.log(`  streams  off p50   off p99   on p50    on p99    added p99  held past next event (on / off)`);
for (const p of paced) {
  console.log(`  ${String(p.streams).padStart(7)}  ${f(p.offP50, 3).padStart(7)}  ${f(p.offP99, 3).padStart(7)}  ${f(p.onP50, 3).padStart(7)}  ${f(p.onP99, 3).padStart(7)}  ${f(p.addedP99, 3).padStart(9)}  ${(p.heldPastNextEventOn * 100).toFixed(2)} % / ${(p.heldPastNextEventOff * 100).toFixed(2)} %`);
}
console.log(`load average ${results.loadAverage.join(' ')}`);
const met = results.throughput.slice(0, 2).every((t) => t.mbPerSecond >= 100) && h.median === 0 && l.addedP99 <= 1 && paced.every((p) => p.addedP99 <= 1);
console.log(met ? 'all targets met' : 'TARGET MISSED');
await mkdir(new URL('./results/', import.meta.url), { recursive: true });
await writeFile(new URL('./results/mask.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
