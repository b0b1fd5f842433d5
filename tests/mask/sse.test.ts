import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createMasker } from '../../src/mask/index.ts';
import { redactWhole } from '../../src/mask/redactor.ts';
import { AN, config, gen, ruleset } from './fixtures.ts';
import {
  assemble, blockStart, blockStop, bytes, chunksAt, collector, jsonDelta, messageStart, messageStop, parseEvents, run, sseEvent,
  text, textDelta, textMessage,
} from './sse-support.ts';
import { cutAt } from './cuts.ts';

const masker = createMasker(config());
const github = `ghp_${gen(AN, 36)}`;
const stripe = `sk_live_${gen(AN, 40)}`;

test('chunks that need no change are forwarded as the same objects', async () => {
  const chunks = [messageStart(), blockStart(0, { type: 'text', text: '' }), textDelta(0, 'Hello there, '), textDelta(0, 'how are you?'), blockStop(0), messageStop()].map(bytes);
  const { findings, onFinding } = collector();
  const out = await run(masker.sse(onFinding), chunks);
  assert.equal(out.length, chunks.length);
  out.forEach((chunk, i) => assert.equal(chunk, chunks[i], `chunk ${i} is not the same object`));
  assert.deepEqual(findings, []);
});

test('a secret split across deltas is redacted; the client sees its prefix, the placeholder and nothing of its body', async () => {
  const deltas = ['Your token is gh', github.slice(2, 20), github.slice(20), ' and that is all.'];
  const { findings, onFinding } = collector();
  const out = text(await run(masker.sse(onFinding), [bytes(textMessage(deltas))]));
  assert.ok(!out.includes(github.slice(4, 12)));
  // The prefix goes out as it comes ("gh", then "p_"); the body waits until the token is decided.
  const sent = parseEvents(out).map((e) => e.data.delta?.text).filter((t) => t !== undefined);
  assert.deepEqual(sent, ['Your token is gh', 'p_', '[REDACTED:github-pat] and that is all.']);
  const { texts } = assemble(parseEvents(out));
  assert.equal(texts.get(0), 'Your token is ghp_[REDACTED:github-pat] and that is all.');
  // The finding covers the body only, after "ghp_".
  assert.deepEqual(findings.map((f) => [f.rule, f.where, f.block, f.start, f.end, f.original, f.kind]), [
    ['github-pat', 'response', 0, 18, 14 + github.length, github.slice(4), 'redacted'],
  ]);
});

test('events keep their order and block index; other events pass byte for byte', async () => {
  const input = textMessage(['a ', github, ' b']);
  const out = text(await run(masker.sse(() => {}), [bytes(input)]));
  const events = parseEvents(out);
  // The token's prefix goes out with its own delta; its body waits for the character after it
  // and goes out with " b"; nothing is left to flush.
  assert.deepEqual(events.map((e) => e.data.type), ['message_start', 'content_block_start', 'content_block_delta', 'content_block_delta', 'content_block_delta', 'content_block_stop', 'message_stop']);
  assert.deepEqual(events.map((e) => e.data.delta?.text).filter(Boolean), ['a ', 'ghp_', '[REDACTED:github-pat] b']);
  assert.ok(events.filter((e) => e.data.type === 'content_block_delta').every((e) => e.data.index === 0 && e.event === 'content_block_delta'));
  assert.ok(out.startsWith(messageStart() + blockStart(0, { type: 'text', text: '' })));
  assert.ok(out.endsWith(blockStop(0) + messageStop()));
});

test('text held at content_block_stop is flushed in a delta before the stop event', async () => {
  const input = messageStart() + blockStart(0, { type: 'text', text: '' }) + textDelta(0, `key ${github.slice(0, 10)}`) + blockStop(0) + messageStop();
  const out = text(await run(masker.sse(() => {}), [bytes(input)]));
  const types = parseEvents(out).map((e) => `${e.data.type}:${e.data.delta?.text ?? ''}`);
  assert.deepEqual(types, ['message_start:', 'content_block_start:', 'content_block_delta:key ghp_', `content_block_delta:${github.slice(4, 10)}`, 'content_block_stop:', 'message_stop:']);
});

test('an error event drops held text: it is never sent', async () => {
  const input = messageStart() + blockStart(0, { type: 'text', text: '' }) + textDelta(0, `key ${github.slice(0, 30)}`) +
    sseEvent({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }) + blockStop(0);
  const out = text(await run(masker.sse(() => {}), [bytes(input)]));
  assert.ok(!out.includes(github.slice(4, 30)));
  assert.ok(out.includes('"text":"key ghp_"'));
  assert.ok(out.includes('overloaded_error'));
});

test('a stream that ends without content_block_stop drops held text', async () => {
  const input = messageStart() + blockStart(0, { type: 'text', text: '' }) + textDelta(0, `key ${github.slice(0, 30)}`);
  const out = text(await run(masker.sse(() => {}), [bytes(input)]));
  assert.ok(!out.includes(github.slice(4, 30)));
  assert.ok(out.includes('"text":"key ghp_"'));
});

test('thinking and signature pass byte-exact; secrets in thinking are noted, not redacted', async () => {
  const input = messageStart() + blockStart(0, { type: 'thinking', thinking: '' }) +
    sseEvent({ type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: `The user pasted ${stripe} so` } }) +
    sseEvent({ type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'EqQBCkgIARABGAIiQL+/sig==' } }) +
    blockStop(0) + messageStop();
  const { findings, onFinding } = collector();
  const chunks = chunksAt(bytes(input), [50, 173, 300, 301]);
  const out = await run(masker.sse(onFinding), chunks);
  assert.equal(text(out), input);
  assert.deepEqual(findings.map((f) => [f.rule, f.kind, f.block, f.original]), [['stripe-secret-key', 'noted', 0, stripe.slice(8)]]);
});

test('events the masker does not know pass untouched', async () => {
  const odd = 'event: custom\ndata: {"type":"custom","text":"ghp_x"}\n\n: a comment line\n\ndata: not json ' + github + '\n\n';
  const out = await run(masker.sse(() => {}), [bytes(odd)]);
  assert.equal(text(out), odd);
});

test('CRLF framing, and events split across chunks at every byte, give the same redacted text', async () => {
  const deltas = ['Here: ', github.slice(0, 7), github.slice(7), ' and ', stripe, ' end'];
  const crlf = messageStart().replaceAll('\n', '\r\n') + [blockStart(0, { type: 'text', text: '' }), ...deltas.map((d) => textDelta(0, d)), blockStop(0)].map((e) => e.replaceAll('\n', '\r\n')).join('');
  const all = bytes(crlf);
  for (let cut = 1; cut < all.length; cut += 7) {
    const out = text(await run(masker.sse(() => {}), [all.slice(0, cut), all.slice(cut)]));
    assert.equal(assemble(parseEvents(out)).texts.get(0), 'Here: ghp_[REDACTED:github-pat] and sk_live_[REDACTED:stripe-secret-key] end');
  }
});

test('multi-byte characters stay whole whatever the chunking', async () => {
  const deltas = ['😀 é 中文 ', github, ' 🎉'];
  const all = bytes(textMessage(deltas));
  for (let cut = 1; cut < all.length; cut += 3) {
    const out = await run(masker.sse(() => {}), [all.slice(0, cut), all.slice(cut)]);
    assert.equal(assemble(parseEvents(text(out))).texts.get(0), '😀 é 中文 ghp_[REDACTED:github-pat] 🎉');
  }
});

test('tool input: secrets inside JSON strings are redacted and the input stays valid JSON', async () => {
  const input = JSON.stringify({ command: `curl -H "Authorization: Bearer ${'x'}" -u admin:${'p'}`, env: { GITHUB_TOKEN: github }, note: 'é😀\n"q"' });
  const fragments = [input.slice(0, 5), input.slice(5, 40), input.slice(40, 90), input.slice(90)];
  const stream = messageStart() + blockStart(1, { type: 'tool_use', id: 'toolu_1', name: 'bash', input: {} }) + fragments.map((f) => jsonDelta(1, f)).join('') + blockStop(1) + messageStop();
  const { findings, onFinding } = collector();
  const out = text(await run(masker.sse(onFinding), [bytes(stream)]));
  const json = assemble(parseEvents(out)).json.get(1)!;
  const parsed = JSON.parse(json);
  assert.equal(parsed.env.GITHUB_TOKEN, 'ghp_[REDACTED:github-pat]');
  assert.equal(parsed.note, 'é😀\n"q"');
  assert.deepEqual(findings.map((f) => [f.rule, f.block, f.original]), [['github-pat', 1, github.slice(4)]]);
});

test('tool input and block ends written in any JSON layout are masked the same as the API\'s own layout', async () => {
  const input = JSON.stringify({ env: { GITHUB_TOKEN: github }, note: 'ok' });
  const fragments = [input.slice(0, 20), input.slice(20, 31), input.slice(31)];
  const canonical = fragments.map((f) => jsonDelta(1, f)).join('') + blockStop(1);
  // Key order changed and spaces added: the same events to any JSON reader.
  const loose = fragments.map((f) => `event: content_block_delta\ndata: {"delta": {"partial_json": ${JSON.stringify(f)}, "type": "input_json_delta"}, "index": 1, "type": "content_block_delta"}\n\n`).join('')
    + 'event: content_block_stop\ndata: { "type": "content_block_stop", "index": 1 }\n\n';
  const results = [];
  for (const deltas of [canonical, loose]) {
    const stream = messageStart() + blockStart(1, { type: 'tool_use', id: 'toolu_1', name: 'bash', input: {} }) + deltas + messageStop();
    const { findings, onFinding } = collector();
    const out = text(await run(masker.sse(onFinding), [bytes(stream)]));
    results.push({ input: JSON.parse(assemble(parseEvents(out)).json.get(1)!), findings: findings.map((f) => [f.rule, f.block]) });
  }
  assert.equal(results[0]!.input.env.GITHUB_TOKEN, 'ghp_[REDACTED:github-pat]');
  assert.deepEqual(results[1], results[0]);
});

test('masking off: bytes pass through untouched', async () => {
  const off = createMasker(config({ enabled: false }));
  const chunks = [bytes(textMessage([github]))];
  const out = await run(off.sse(() => {}), chunks);
  assert.equal(out[0], chunks[0]);
  assert.equal(off.message(chunks[0]!, () => {}), chunks[0]);
});

test('property: any chunking of a stream with any deltas gives the whole-text redaction per block', async () => {
  const pieces = fc.array(
    fc.oneof(
      fc.constantFrom(github, stripe, 'password = "Xk9#mQ2$vL7p"', '😀', 'é', '\\', '"', ' gh', 'sk_', '\n', '\tgh', 'é gh', ' to', ' A'),
      fc.string({ maxLength: 8 }),
    ),
    { maxLength: 12 },
  );
  await fc.assert(
    fc.asyncProperty(pieces, fc.array(fc.nat(), { maxLength: 20 }), fc.array(fc.nat(), { maxLength: 20 }), async (parts, deltaCuts, byteCuts) => {
      const whole = parts.join('');
      const deltas = cutAt(whole, deltaCuts);
      const out = text(await run(masker.sse(() => {}), chunksAt(bytes(textMessage(deltas)), byteCuts)));
      const { texts } = assemble(parseEvents(out));
      assert.equal(texts.get(0) ?? '', redactWhole(ruleset, whole, () => {}));
    }),
    { numRuns: 400 },
  );
});

test('property: a message with thinking, text and tool use blocks, chunked anywhere', async () => {
  const content = fc.array(fc.oneof(fc.constantFrom(github, stripe, 'token = "Xk9#mQ2$vL7p"', '😀', '"', '\\', ' a'), fc.string({ maxLength: 6 })), { maxLength: 8 }).map((p) => p.join(''));
  await fc.assert(
    fc.asyncProperty(content, content, content, fc.integer({ min: 1, max: 9 }), fc.array(fc.nat(), { maxLength: 15 }), async (thinking, answer, command, size, cuts) => {
      const pieces = (s: string) => Array.from({ length: Math.ceil(s.length / size) }, (_, i) => s.slice(i * size, (i + 1) * size));
      const thinkingEvents = pieces(thinking).map((t) => sseEvent({ type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: t } }));
      const signature = sseEvent({ type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'c2lnbmF0dXJl' } });
      const inputJson = JSON.stringify({ command });
      const stream =
        messageStart() +
        blockStart(0, { type: 'thinking', thinking: '' }) + thinkingEvents.join('') + signature + blockStop(0) +
        blockStart(1, { type: 'text', text: '' }) + pieces(answer).map((t) => textDelta(1, t)).join('') + blockStop(1) +
        blockStart(2, { type: 'tool_use', id: 'toolu_1', name: 'bash', input: {} }) + pieces(inputJson).map((j) => jsonDelta(2, j)).join('') + blockStop(2) +
        messageStop();
      const out = text(await run(masker.sse(() => {}), chunksAt(bytes(stream), cuts)));
      // Thinking and its signature: the very same bytes, in place.
      assert.ok(out.includes(blockStart(0, { type: 'thinking', thinking: '' }) + thinkingEvents.join('') + signature + blockStop(0)));
      const { texts, json } = assemble(parseEvents(out));
      assert.equal(texts.get(1) ?? '', redactWhole(ruleset, answer, () => {}));
      assert.deepEqual(JSON.parse(json.get(2)!), { command: redactWhole(ruleset, command, () => {}) });
    }),
    { numRuns: 200 },
  );
});

test('a content delta that is not valid JSON is dropped, not sent unchecked', async () => {
  const broken = `event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"${github}\n\n`;
  const input = messageStart() + blockStart(0, { type: 'text', text: '' }) + broken + blockStop(0) + messageStop();
  const out = text(await run(masker.sse(() => {}), [bytes(input)]));
  assert.ok(!out.includes(github));
  assert.ok(out.endsWith(blockStop(0) + messageStop()));
});
