/**
 * The masker against a peer on the same corpus: `node --import tsx bench/mask-peer.bench.ts`
 *
 * Corpus (bench/corpus/): generated positives, each a secret in a context with its exact span,
 * over every credential type and the forms of issue 10, and benign texts that look dangerous.
 *  - Scribe: the whole text at once; streamed through the SSE masker (text deltas of random
 *    size, 1-40 characters, in network chunks cut at random bytes); and one character per delta.
 *  - secretlint 11 with @secretlint/secretlint-rule-preset-recommend, via its Node API, on the
 *    whole text at once (its best case).
 * A positive counts as detected when a finding (secretlint: a message's range) overlaps its
 * secret. Leaked characters: characters of a detected secret that reach the client. A benign
 * text is a false positive when anything in it is reported.
 * Targets: Scribe recall >= 0.98 and above secretlint's, FP rate <= 0.5 %, 0 leaked characters.
 * Writes bench/results/mask-peer.json and bench/results/mask-peer.md.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { lintSource } from '@secretlint/core';
import { creator as recommended } from '@secretlint/secretlint-rule-preset-recommend';
import { maskingConfigSchema } from '../src/mask/config.ts';
import { createMasker } from '../src/mask/index.ts';
import { redactWhole } from '../src/mask/redactor.ts';
import { compileRuleset } from '../src/mask/ruleset.ts';
import { buildCorpus, type Positive } from './corpus/corpus.ts';
import { Random } from './corpus/random.ts';

const config = maskingConfigSchema.parse(undefined);
const ruleset = compileRuleset(config);
const masker = createMasker(config);
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const random = new Random(0x5ca1e);

type Span = [number, number];

function scribeWhole(text: string): Span[] {
  const spans: Span[] = [];
  redactWhole(ruleset, text, (f) => spans.push([f.start, f.end]));
  return spans;
}

const event = (data: object) => `event: ${(data as { type: string }).type}\ndata: ${JSON.stringify(data)}\n\n`;

/** Streams text through the SSE masker in the given deltas; returns the findings and the text the client got. */
async function scribeStreamed(text: string, deltaSize: () => number): Promise<{ spans: Span[]; out: string }> {
  let sse = event({ type: 'message_start', message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'claude', content: [], usage: { input_tokens: 1, output_tokens: 1 } } });
  sse += event({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
  for (let i = 0; i < text.length; ) {
    let n = Math.min(deltaSize(), text.length - i);
    if (/[\ud800-\udbff]/.test(text[i + n - 1]!)) n++;
    sse += event({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: text.slice(i, i + n) } });
    i += n;
  }
  sse += event({ type: 'content_block_stop', index: 0 }) + event({ type: 'message_stop' });
  const bytes = encoder.encode(sse);
  const spans: Span[] = [];
  const transform = masker.sse((f) => spans.push([f.start, f.end]));
  const writer = transform.writable.getWriter();
  const reader = transform.readable.getReader();
  let received = '';
  const reading = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      received += decoder.decode(value, { stream: true });
    }
  })();
  for (let i = 0; i < bytes.length; ) {
    const n = random.int(1, 512);
    await writer.write(bytes.subarray(i, i + n));
    i += n;
  }
  await writer.close();
  await reading;
  let out = '';
  for (const block of received.split('\n\n')) {
    const data = block.split('\n').find((line) => line.startsWith('data: '));
    if (!data) continue;
    const parsed = JSON.parse(data.slice(6)) as { type: string; delta?: { text?: string } };
    if (parsed.type === 'content_block_delta') out += parsed.delta?.text ?? '';
  }
  return { spans, out };
}

async function secretlint(text: string): Promise<Span[]> {
  const result = await lintSource({
    source: { filePath: '/corpus/text.txt', content: text, contentType: 'text' },
    options: { config: { rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rule: recommended }] }, noPhysicFilePath: true },
  });
  return result.messages.map((m) => [m.range[0], m.range[1]] as Span);
}

const overlaps = (spans: Span[], p: Positive) => spans.some(([s, e]) => s < p.end && e > p.start);
function uncovered(spans: Span[], p: Positive): number {
  let n = 0;
  for (let i = p.start; i < p.end; i++) if (!spans.some(([s, e]) => s <= i && i < e)) n++;
  return n;
}
function outsideSecret(spans: Span[], p: Positive): number {
  return spans.reduce((sum, [s, e]) => sum + Math.max(0, Math.min(e, p.start) - s) + Math.max(0, e - Math.max(s, p.end)), 0);
}

const modes = ['scribeWhole', 'scribeRandomChunks', 'scribeOneCharPerDelta', 'secretlint'] as const;
type Mode = (typeof modes)[number];
type Row = { n: number } & Record<Mode, number>;

const { positives, benign } = buildCorpus();
const started = performance.now();
const perType = new Map<string, { n: number } & Record<Mode, number>>();
const leaked: Record<Mode, number> = { scribeWhole: 0, scribeRandomChunks: 0, scribeOneCharPerDelta: 0, secretlint: 0 };
const detected: Record<Mode, number> = { scribeWhole: 0, scribeRandomChunks: 0, scribeOneCharPerDelta: 0, secretlint: 0 };
let overRedactedChars = 0;
let streamMismatches = 0;
const misses: { type: string; text: string }[] = [];

async function allModes(text: string): Promise<Record<Mode, Span[]>> {
  const whole = scribeWhole(text);
  const randomChunks = await scribeStreamed(text, () => random.int(1, 40));
  const oneChar = await scribeStreamed(text, () => 1);
  // Whatever the chunking, the client gets what redacting the whole text gives.
  const expected = redactWhole(ruleset, text, () => {});
  if (randomChunks.out !== expected || oneChar.out !== expected) streamMismatches++;
  return { scribeWhole: whole, scribeRandomChunks: randomChunks.spans, scribeOneCharPerDelta: oneChar.spans, secretlint: await secretlint(text) };
}

for (const p of positives) {
  const spans = await allModes(p.text);
  const row = perType.get(p.type) ?? { n: 0, scribeWhole: 0, scribeRandomChunks: 0, scribeOneCharPerDelta: 0, secretlint: 0 };
  row.n++;
  for (const mode of modes) {
    if (!overlaps(spans[mode], p)) continue;
    row[mode]++;
    detected[mode]++;
    if (mode !== 'secretlint') leaked[mode] += uncovered(spans[mode], p);
  }
  if (!overlaps(spans.scribeWhole, p)) misses.push({ type: p.type, text: p.text.slice(0, 160) });
  overRedactedChars += outsideSecret(spans.scribeWhole, p);
  perType.set(p.type, row);
}

const perKind = new Map<string, { n: number } & Record<Mode, number>>();
const falsePositives: { kind: string; mode: Mode; text: string }[] = [];
for (const b of benign) {
  const spans = await allModes(b.text);
  const row = perKind.get(b.kind) ?? { n: 0, scribeWhole: 0, scribeRandomChunks: 0, scribeOneCharPerDelta: 0, secretlint: 0 };
  row.n++;
  for (const mode of modes) {
    if (spans[mode].length === 0) continue;
    row[mode]++;
    if (mode === 'scribeWhole' || mode === 'secretlint') falsePositives.push({ kind: b.kind, mode, text: b.text.slice(0, 160) });
  }
  perKind.set(b.kind, row);
}

const rate = (n: number, d: number) => (d === 0 ? 0 : n / d);
const totals = Object.fromEntries(modes.map((m) => [m, {
  recall: rate(detected[m], positives.length),
  falsePositiveRate: rate([...perKind.values()].reduce((s, r) => s + r[m], 0), benign.length),
  leakedCharacters: m === 'secretlint' ? null : leaked[m],
}])) as Record<Mode, { recall: number; falsePositiveRate: number; leakedCharacters: number | null }>;
const results = {
  date: new Date().toISOString(),
  node: process.version,
  loadAverage: loadavg().map((l) => Number(l.toFixed(2))),
  seconds: Number(((performance.now() - started) / 1000).toFixed(1)),
  corpus: { positives: positives.length, types: perType.size, benign: benign.length, benignKinds: perKind.size },
  totals,
  scribeOverRedactedCharacters: overRedactedChars,
  streamedOutputDifferentFromWhole: streamMismatches,
  perType: Object.fromEntries([...perType].map(([type, r]) => [type, { n: r.n, ...Object.fromEntries(modes.map((m) => [m, Number(rate(r[m], r.n).toFixed(3))])) } as Row])),
  perBenignKind: Object.fromEntries([...perKind].map(([kind, r]) => [kind, { n: r.n, ...Object.fromEntries(modes.map((m) => [m, r[m]])) } as Row])),
  scribeMisses: misses,
  falsePositives,
  targets: { recall: 0.98, falsePositiveRate: 0.005, leakedCharacters: 0 },
};

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
const md: string[] = [
  `# Masker vs secretlint on the masking corpus`,
  '',
  `${results.date}, Node ${results.node}, load average ${results.loadAverage.join(' ')}. Command: \`node --import tsx bench/mask-peer.bench.ts\`.`,
  `Corpus: ${positives.length} generated positives over ${perType.size} types and forms, ${benign.length} benign texts in ${perKind.size} kinds.`,
  '',
  '| | recall | false-positive rate | leaked characters of detected secrets |',
  '|---|---|---|---|',
  ...modes.map((m) => `| ${m} | ${pct(totals[m].recall)} | ${pct(totals[m].falsePositiveRate)} | ${totals[m].leakedCharacters ?? 'n/a'} |`),
  '',
  `Streamed output different from the whole-text output: ${streamMismatches}. Characters Scribe redacted outside the secret in positives: ${overRedactedChars}.`,
  '',
  '## Recall per type',
  '',
  '| type | n | Scribe whole | Scribe random chunks | Scribe 1 char/delta | secretlint |',
  '|---|---|---|---|---|---|',
  ...Object.entries(results.perType).map(([t, r]) => `| ${t} | ${r.n} | ${r.scribeWhole} | ${r.scribeRandomChunks} | ${r.scribeOneCharPerDelta} | ${r.secretlint} |`),
  '',
  '## False positives per benign kind (texts with any finding)',
  '',
  '| kind | n | Scribe whole | Scribe random chunks | Scribe 1 char/delta | secretlint |',
  '|---|---|---|---|---|---|',
  ...Object.entries(results.perBenignKind).map(([k, r]) => `| ${k} | ${r.n} | ${r.scribeWhole} | ${r.scribeRandomChunks} | ${r.scribeOneCharPerDelta} | ${r.secretlint} |`),
  '',
];
console.log(md.slice(0, 12).join('\n'));
console.log(`misses: ${misses.length}`);
for (const m of misses.slice(0, 40)) console.log(`  ${m.type}: ${JSON.stringify(m.text)}`);
console.log(`scribe false positives: ${falsePositives.filter((f) => f.mode === 'scribeWhole').length}`);
for (const f of falsePositives.filter((f) => f.mode === 'scribeWhole').slice(0, 20)) console.log(`  ${f.kind}: ${JSON.stringify(f.text)}`);
const met = totals.scribeWhole.recall >= 0.98 && totals.scribeRandomChunks.recall >= 0.98 && totals.scribeOneCharPerDelta.recall >= 0.98
  && totals.scribeWhole.recall > totals.secretlint.recall && totals.scribeWhole.falsePositiveRate <= 0.005
  && leaked.scribeWhole + leaked.scribeRandomChunks + leaked.scribeOneCharPerDelta === 0 && streamMismatches === 0;
console.log(met ? 'all targets met' : 'TARGET MISSED');
await mkdir(new URL('./results/', import.meta.url), { recursive: true });
await writeFile(new URL('./results/mask-peer.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
await writeFile(new URL('./results/mask-peer.md', import.meta.url), md.join('\n'));
