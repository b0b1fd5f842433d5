/**
 * The masker benchmarks' workload: answers as the API streams them (prose and code, cut into
 * token-sized deltas, framed as SSE events) and a paced client that times when each text
 * event's text has reached it. Seeded, so every run (and both sides of an A/B run) sees the
 * same texts.
 */
let seed = 42;
export const random = (): number => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
};
export const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

const WORDS = `the a of and to in is that it for on with as was this be by are at from or an which but not have
has they you we can more one all their there been when would will if so what about out up into than only other
also time some could these two may first then do any like my now over such our man me even most made after
model answer gateway request stream secret token password configuration deploy service cluster example value
système données naïve café über straße 東京 数据 🚀 — “quoted” ‘text’`.split(/\s+/);

export function prose(chars: number): string {
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

export function code(chars: number): string {
  let out = '';
  while (out.length < chars) out += `${pick(CODE_LINES)}\n`;
  return out.slice(0, chars);
}

/**
 * Cuts text into deltas the way the API streams them: tokens (a word with its leading space,
 * or punctuation), one to three tokens a delta. `randomCuts` instead cuts anywhere, 1..16
 * UTF-16 units (never inside a surrogate pair): a harsher case, with many cuts inside words.
 */
export function deltas(text: string, randomCuts = false): string[] {
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

export const encoder = new TextEncoder();
export function sse(parts: string[]): string[] {
  const events = [
    `event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","content":[],"model":"claude","usage":{"input_tokens":10,"output_tokens":1}}}\n\n`,
    `event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n`,
  ];
  for (const part of parts) events.push(`event: content_block_delta\ndata: ${JSON.stringify({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: part } })}\n\n`);
  events.push(`event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n`, `event: message_stop\ndata: {"type":"message_stop"}\n\n`);
  return events;
}

/** Groups events into network-sized chunks. */
export function chunks(events: string[], size = 16 * 1024): Uint8Array[] {
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

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const decoder = new TextDecoder();

/**
 * One paced stream: writes the events `gapMs` apart and returns, for each text event, the time
 * until the client has received text up to that event's end. Output text is counted from the
 * client's side (events parsed as they arrive), the same way with masking on and off.
 */
export async function pacedStream(transform: TransformStream<Uint8Array, Uint8Array>, events: string[], gapMs: number): Promise<number[]> {
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

