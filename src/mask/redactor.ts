/**
 * Redacts one text that arrives in pieces (one content block, one JSON string), releasing
 * each character as soon as no secret can still cover it.
 *
 * Every piece runs through the keyword automaton once. A keyword hit becomes a candidate;
 * candidates are decided strictly in text order, each by its rule's matcher, which postpones
 * (throws MORE) while its answer depends on text not yet seen. Text is released up to where
 * an undecided candidate's span could still start, or up to a trailing fragment that could
 * still grow into a keyword whose rule redacts the keyword itself (built-in rules keep their
 * keyword, a token's public prefix, readable, so no fragment of theirs is held). Because
 * decisions never depend on where the text was split, any split gives the same output as
 * redacting the whole text at once: `redactWhole` is this class fed once.
 */
import type { Ruleset } from './ruleset.ts';
import { MORE, Reader } from './rules/reader.ts';
import { TOKEN_CONTINUATION } from './rules/rule.ts';
import { contextUnits, isHighSurrogate, readJsonUnit } from './json-string-units.ts';

/** How much of a swallowed continuation is kept as the finding's original (for sealing). */
const SWALLOWED_ORIGINAL_MAX = 64 * 1024;
/** How far before a keyword a matcher may look (a URL scheme, a bot id before ":AA"). */
export const LOOKBEHIND = 32;
/** The recent-characters ring: look-behind plus the longest keyword. */
const RING = 128;
const RING_MASK = RING - 1;
/** How many undecided candidates a piece may run ahead of their turn to learn their floors. */
const PROBES = 8;
/** readJsonUnit's output: unit, low surrogate (or -1), 1 when the unit was one plain byte. */
const decoded = new Int32Array(3);

export interface SpanFinding {
  rule: string;
  /** Offsets in UTF-16 code units in the whole text, [start, end). */
  start: number;
  end: number;
  original: string;
  /** The hold-back cap forced the decision: the span runs to where the text had got. */
  truncated?: boolean;
}

interface Candidate {
  kwStart: number;
  kwEnd: number;
  rule: number;
  /**
   * No span of this candidate starts before here, so text before it can be released while the
   * candidate waits: its keyword's end (or start, for a rule that redacts it), moved on as the
   * matcher reads past text it will not redact (the name and "=" of an assignment).
   */
  floor: number;
  /** `seen` when the matcher last ran on it undecided (its floor is as far as that text allows). */
  tried: number;
}

export class Redactor {
  /** Original text from `base`: look-behind context and everything not yet released. */
  private buf = '';
  private base = 0;
  /** False after the byte fast path: the context lives only in the ring. */
  private bufCurrent = true;
  /** Code units seen so far, and the most recent of them by position modulo RING. */
  private seen = 0;
  private ring = new Uint16Array(RING);
  /** The ring's stand-in for texts too long to read in place; made on the first one (most never come). */
  private scratch: Uint16Array<ArrayBuffer> | undefined;
  private state = 0;
  private released = 0;
  private lastEnd = 0;
  /** Candidates to decide, in order, from `queueHead` on (a moving head keeps dequeuing O(1)). */
  private queue: Candidate[] = [];
  private queueHead = 0;
  private readonly charAt = (position: number): number => this.unitAt(this.ring, position);

  constructor(
    private readonly ruleset: Ruleset,
    private readonly holdbackCap: number,
    private readonly onFinding: (finding: SpanFinding) => void,
  ) {}

  /** Code units received but not yet released. */
  get held(): number {
    return this.seen - this.released;
  }

  /** Adds text; returns what can be released now (redacted). */
  push(text: string): string {
    return this.advance(text, false);
  }

  /** The text is complete: decides everything and releases the rest. */
  end(): string {
    return this.advance('', true);
  }

  /**
   * The hot path for a text that arrives as the contents of a JSON string (raw bytes, escapes
   * included): when the text holds no keyword hit and ends where nothing can begin, it is
   * released without being decoded into a string. Returns what was held before it and is now
   * released too ('' when nothing was held): the output is that, then the text's own bytes up
   * to `passedUpTo` (a trailing keyword fragment in plain ASCII stays held).
   * Returns false, changing nothing, when the text needs the full path (`push`).
   */
  passJsonString(bytes: Uint8Array, from: number, to: number): string | false {
    if (this.queueHead < this.queue.length || this.swallowing) return false;
    const automaton = this.ruleset.automaton;
    const { delta, hasOutput } = automaton;
    // Units are written into the ring as they are read. Should the text need the full path,
    // `push` writes the same units to the same places; the look-behind context before them
    // (and a keyword still forming, already released) stays intact as long as fewer than
    // RING - LOOKBEHIND - its length units were written: longer texts work on a copy.
    const direct = to - from < RING - LOOKBEHIND - automaton.depth[this.state]!;
    const ring = direct ? this.ring : (this.scratch ??= new Uint16Array(RING));
    if (!direct) ring.set(this.ring);
    let seen = this.seen;
    let state = this.state;
    let i = from;
    let plainFrom = from; // bytes from here on are one unit each (no escape, no multi-byte)
    while (i < to) {
      const next = readJsonUnit(bytes, i, to, decoded);
      if (next < 0) return false;
      i = next;
      const unit = decoded[0]!;
      const low = decoded[1]!;
      if (decoded[2] === 0) plainFrom = i;
      ring[seen & RING_MASK] = unit;
      seen++;
      state = delta[state * 128 + (unit < 128 ? unit : 0)]!;
      if (hasOutput[state] === 1 && this.anyHit(state, seen, ring)) return false;
      if (low >= 0) {
        ring[seen & RING_MASK] = low;
        seen++;
        state = 0;
      }
    }
    if (seen > this.seen && isHighSurrogate(ring[(seen - 1) & RING_MASK]!)) return false;
    const hold = state === 0 ? 0 : automaton.holdback(state, seen, (p) => this.unitAt(ring, p, seen));
    // The held fragment must be the text's last bytes one for one, to cut the raw bytes there.
    if (hold > 0 && (hold > seen - this.seen || to - hold < plainFrom)) return false;
    const held = this.released === this.seen ? '' : this.heldText();
    if (!direct) {
      this.scratch = this.ring;
      this.ring = ring;
    }
    this.seen = seen;
    this.released = seen - hold;
    this.passedUpTo = to - hold;
    this.state = state;
    this.bufCurrent = false;
    return held;
  }

  /** Where the raw bytes released by the last successful `passJsonString` end. */
  passedUpTo = 0;

  /**
   * Where the text a matcher may still need begins, before its look-behind: what is not yet
   * released, or a keyword still forming (which may have been released already).
   */
  private contextStart(): number {
    return Math.min(this.released, this.seen - this.ruleset.automaton.depth[this.state]!);
  }

  private heldText(): string {
    if (this.bufCurrent) return this.buf.slice(this.released - this.base, this.seen - this.base);
    return String.fromCharCode(...contextUnits(this.ring, this.released, this.seen));
  }

  private anyHit(state: number, end: number, ring: Uint16Array): boolean {
    const automaton = this.ruleset.automaton;
    for (const k of automaton.outputs[state]!) {
      if (automaton.verify(k, end, (p) => this.unitAt(ring, p, end))) return true;
    }
    return false;
  }

  private unitAt(ring: Uint16Array, position: number, seen = this.seen): number {
    if (position < 0 || position >= seen || position < seen - RING) return -1;
    return ring[position & RING_MASK]!;
  }

  private advance(text: string, final: boolean): string {
    if (!this.bufCurrent) {
      // Rebuild the look-behind context (and any held fragment) from the ring after fast-path pieces.
      const from = Math.max(0, this.contextStart() - LOOKBEHIND);
      this.buf = String.fromCharCode(...contextUnits(this.ring, from, this.seen));
      this.base = from;
      this.bufCurrent = true;
    }
    this.buf += text;
    this.scan(text);

    const end = this.seen;
    this.swallow(end, final);
    for (;;) {
      const waiting = this.decide(final);
      if (!waiting || final || end - this.released <= this.holdbackCap) break;
      this.forceHead(end);
    }

    let releaseTo = end;
    if (!final) {
      // Up to where the undecided candidates' spans could start. Those behind the head have
      // not been asked yet (decisions go in text order): ask them only where they could start.
      // At most PROBES of them per piece, so a crowd of candidates costs no more than before.
      for (let i = this.queueHead, probes = 0; i < this.queue.length; i++) {
        const candidate = this.queue[i]!;
        if (candidate.floor < releaseTo && candidate.tried < end && probes++ < PROBES) this.probe(candidate);
        releaseTo = Math.min(releaseTo, candidate.floor);
      }
      const hold = this.state === 0 ? 0 : this.ruleset.automaton.holdback(this.state, end, this.charAt);
      releaseTo = Math.min(releaseTo, end - hold);
      if (end > 0 && isHighSurrogate(this.ring[(end - 1) & RING_MASK]!)) releaseTo = Math.min(releaseTo, end - 1);
    }
    releaseTo = Math.max(releaseTo, this.lastEnd, this.released);
    return this.release(releaseTo);
  }

  private scan(text: string): void {
    const automaton = this.ruleset.automaton;
    const { delta, hasOutput } = automaton;
    let state = this.state;
    for (let i = 0; i < text.length; i++) {
      const unit = text.charCodeAt(i);
      this.ring[this.seen & RING_MASK] = unit;
      this.seen++;
      state = delta[state * 128 + (unit < 128 ? unit : 0)]!;
      if (hasOutput[state] === 1) this.collect(state);
    }
    this.state = state;
  }

  private collect(state: number): void {
    const automaton = this.ruleset.automaton;
    for (const k of automaton.outputs[state]!) {
      if (!automaton.verify(k, this.seen, this.charAt)) continue;
      const keyword = automaton.keywords[k]!;
      const kwStart = this.seen - keyword.length;
      for (const rule of keyword.rules) {
        const floor = this.ruleset.rules[rule]!.redactsAfterKeyword ? this.seen : kwStart;
        this.enqueue({ kwStart, kwEnd: this.seen, rule, floor, tried: -1 });
      }
    }
  }

  private dequeue(): void {
    this.queueHead++;
    if (this.queueHead === this.queue.length) {
      this.queue.length = 0;
      this.queueHead = 0;
    } else if (this.queueHead >= 1024 && this.queueHead * 2 >= this.queue.length) {
      this.queue = this.queue.slice(this.queueHead);
      this.queueHead = 0;
    }
  }

  /** Keeps the queue in (start, rule priority) order: the order the whole text decides in. */
  private enqueue(candidate: Candidate): void {
    let i = this.queue.length;
    while (i > this.queueHead) {
      const before = this.queue[i - 1]!;
      if (before.kwStart < candidate.kwStart || (before.kwStart === candidate.kwStart && before.rule <= candidate.rule)) break;
      i--;
    }
    this.queue.splice(i, 0, candidate);
  }

  /** Decides candidates in order; returns true when the head waits for more text. */
  private decide(final: boolean): boolean {
    const end = this.seen;
    // A keyword not yet complete would start at or after this point: decide only before it.
    const known = final ? Infinity : end - this.ruleset.automaton.depth[this.state]!;
    while (this.queueHead < this.queue.length) {
      const head = this.queue[this.queueHead]!;
      if (head.kwStart >= known) return false;
      const rule = this.ruleset.rules[head.rule]!;
      if (head.kwStart < this.lastEnd && !rule.looksPastKeyword) {
        // A keyword inside a span already redacted starts nothing new.
        this.dequeue();
        continue;
      }
      const base = this.base;
      const reader = new Reader(this.buf, final, Math.max(0, head.kwStart - LOOKBEHIND - base));
      let span;
      try {
        span = rule.match(reader, head.kwStart - base, head.kwEnd - base);
      } catch (error) {
        if (error !== MORE) throw error;
        head.floor = Math.max(head.floor, reader.kept + base);
        head.tried = end;
        return true;
      }
      this.dequeue();
      if (!span) continue;
      // A span may not reach back over text already released: before its keyword, or into the
      // keyword of a rule that promised not to cover it. A matcher that said it would not
      // redact some text (its floor) and then did broke its contract: it is cut at the floor.
      const start = Math.max(span.start + base, head.floor);
      const stop = span.end + base;
      if (start < this.lastEnd || stop <= start || span.start + base < (rule.redactsAfterKeyword ? head.kwEnd : head.kwStart)) continue;
      const original = this.buf.slice(start - base, span.end);
      if (!this.ruleset.accepts(original, span.whole === undefined ? original : this.buf.slice(Math.max(0, span.whole), span.end))) continue;
      this.accept(head.rule, start, stop, original, false);
    }
    return false;
  }

  /**
   * Runs an undecided candidate's matcher ahead of its turn, only to learn where its span could
   * start (the turn itself, in text order, decides). A matcher's answer never changes once
   * given, so an answer now is its answer then: no span means nothing to hold for it.
   */
  private probe(candidate: Candidate): void {
    candidate.tried = this.seen;
    const base = this.base;
    const reader = new Reader(this.buf, false, Math.max(0, candidate.kwStart - LOOKBEHIND - base));
    let span;
    try {
      span = this.ruleset.rules[candidate.rule]!.match(reader, candidate.kwStart - base, candidate.kwEnd - base);
    } catch (error) {
      if (error !== MORE) throw error;
      candidate.floor = Math.max(candidate.floor, reader.kept + base);
      return;
    }
    candidate.floor = span ? Math.max(candidate.floor, span.start + base) : Infinity;
  }

  /** The fail-safe: the head has held text up to the cap; redact through what has arrived. */
  private forceHead(end: number): void {
    const head = this.queue[this.queueHead]!;
    this.dequeue();
    let stop = end;
    if (isHighSurrogate(this.ring[(end - 1) & RING_MASK]!)) stop--;
    const rule = this.ruleset.rules[head.rule]!;
    const start = Math.max(rule.redactsAfterKeyword ? head.kwEnd : head.kwStart, this.lastEnd, this.released);
    if (stop <= start) return;
    this.accept(head.rule, start, stop, this.buf.slice(start - this.base, stop - this.base), true);
    this.swallowing = { rule: head.rule, start: stop, original: '' };
  }

  /**
   * After the fail-safe, what follows may still be the same secret (the rest of a long key):
   * characters that can continue it are dropped, without a placeholder, until another comes.
   * They are reported as one more truncated finding of the same rule.
   */
  private swallowing: { rule: number; start: number; original: string } | null = null;

  private swallow(end: number, final: boolean): void {
    const swallowing = this.swallowing;
    if (!swallowing) return;
    const continues = this.ruleset.rules[swallowing.rule]!.continuation ?? TOKEN_CONTINUATION;
    const from = Math.max(this.lastEnd, this.released);
    let p = from;
    while (p < end && continues(this.buf.charCodeAt(p - this.base))) p++;
    if (p > from) {
      this.accepted.push({ start: from, end: p, rule: -1 });
      this.lastEnd = p;
      if (swallowing.original.length < SWALLOWED_ORIGINAL_MAX) swallowing.original += this.buf.slice(from - this.base, p - this.base);
    }
    if (p < end || final) {
      this.swallowing = null;
      if (p > swallowing.start) {
        this.onFinding({ rule: this.ruleset.rules[swallowing.rule]!.id, start: swallowing.start, end: p, original: swallowing.original, truncated: true });
      }
    }
  }

  private accepted: { start: number; end: number; rule: number }[] = [];

  private accept(rule: number, start: number, end: number, original: string, truncated: boolean): void {
    this.accepted.push({ start, end, rule });
    this.lastEnd = end;
    const finding: SpanFinding = { rule: this.ruleset.rules[rule]!.id, start, end, original };
    if (truncated) finding.truncated = true;
    this.onFinding(finding);
  }

  private release(to: number): string {
    let out = '';
    let pos = this.released;
    const base = this.base;
    for (const span of this.accepted) {
      out += this.buf.slice(pos - base, span.start - base);
      if (span.rule >= 0) out += this.ruleset.placeholder(span.rule);
      pos = span.end;
    }
    this.accepted.length = 0;
    if (to > pos) out += this.buf.slice(pos - base, to - base);
    this.released = Math.max(pos, to);
    // Keep the look-behind context for candidates still to decide and for those to come.
    const head = this.queue[this.queueHead];
    const keepFrom = Math.min(this.contextStart(), head ? head.kwStart : Infinity) - LOOKBEHIND;
    if (keepFrom > this.base) {
      this.buf = this.buf.slice(keepFrom - this.base);
      this.base = keepFrom;
    }
    return out;
  }
}

/** Redacts a complete text in one go (non-streamed bodies, requests, and the reference for tests). */
export function redactWhole(ruleset: Ruleset, text: string, onFinding: (finding: SpanFinding) => void): string {
  const redactor = new Redactor(ruleset, Number.MAX_SAFE_INTEGER, onFinding);
  return redactor.push(text) + redactor.end();
}
