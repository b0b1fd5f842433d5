/**
 * The keyword prefilter: one Aho-Corasick automaton over every rule's keywords, run once over
 * each text. Rules only look at the places where one of their keywords occurs.
 *
 * The automaton works on ASCII with letters folded to lower case (a rule that cares about case
 * checks it at the hit). Anything outside ASCII leads back to the root, since no keyword
 * contains it. Transitions are a dense table so that stepping costs one array read.
 */
import type { KeywordStart } from './rules/rule.ts';

/** One keyword of one or more rules. */
export interface Keyword {
  /** As written by the rule. */
  readonly text: string;
  readonly length: number;
  readonly foldCase: boolean;
  readonly start: KeywordStart;
  /** Indices of the rules that own this keyword, in rule priority order. */
  readonly rules: number[];
  /**
   * Some rule's span covers the keyword itself (only custom rules do), so a trailing fragment
   * that could grow into it must be held. Keywords that only introduce a secret (a token's
   * public prefix such as "ghp_", a name such as "password", "://") are released as they come:
   * their rules redact what follows.
   */
  holds: boolean;
}

/** Reads the code unit at an absolute position, -1 before the start. */
export type CharAt = (position: number) => number;

const ALPHABET = 128;

export class KeywordAutomaton {
  readonly keywords: Keyword[] = [];
  /** delta[state * 128 + unit] is the next state. */
  readonly delta: Int32Array;
  /**
   * Length of the longest suffix read so far that is a prefix of a keyword: a keyword hit
   * still forming starts that far back.
   */
  readonly depth: Uint8Array;
  readonly fail: Int32Array;
  /** Keywords ending at each state (including those reached through suffix links). */
  readonly outputs: (readonly number[])[];
  readonly hasOutput: Uint8Array;
  /**
   * For each state, the keywords it is a prefix of, as (start test, exact prefix or null when
   * the keyword ignores case), deduplicated: what decides whether a trailing fragment is held.
   */
  readonly prefixes: (readonly { start: KeywordStart; exact: string | null }[])[];
  readonly longest: number;

  constructor(entries: readonly { text: string; foldCase: boolean; start: KeywordStart; rule: number; holds: boolean }[]) {
    const byKey = new Map<string, Keyword>();
    const startIds = new Map<KeywordStart, number>();
    for (const e of entries) {
      if (!/^[\x01-\x7f]+$/.test(e.text)) throw new Error(`keyword must be non-empty ASCII: ${JSON.stringify(e.text)}`);
      if (e.text.length > 60) throw new Error(`keyword longer than 60 characters: ${e.text}`);
      if (!startIds.has(e.start)) startIds.set(e.start, startIds.size);
      const key = `${e.foldCase ? e.text.toLowerCase() : e.text}\0${e.foldCase}\0${startIds.get(e.start)}`;
      let kw = byKey.get(key);
      if (!kw) {
        kw = { text: e.text, length: e.text.length, foldCase: e.foldCase, start: e.start, rules: [], holds: false };
        byKey.set(key, kw);
        this.keywords.push(kw);
      }
      kw.holds ||= e.holds;
      if (!kw.rules.includes(e.rule)) kw.rules.push(e.rule);
    }
    for (const kw of this.keywords) kw.rules.sort((a, b) => a - b);

    // The trie, over folded keywords.
    const children: Map<number, number>[] = [new Map()];
    const depth: number[] = [0];
    const own: number[][] = [[]];
    const prefixes: Map<string, { start: KeywordStart; exact: string | null }>[] = [new Map()];
    this.keywords.forEach((kw, index) => {
      let state = 0;
      for (let i = 0; i < kw.length; i++) {
        const c = kw.text.toLowerCase().charCodeAt(i);
        let next = children[state]!.get(c);
        if (next === undefined) {
          next = children.length;
          children.push(new Map());
          depth.push(depth[state]! + 1);
          own.push([]);
          prefixes.push(new Map());
          children[state]!.set(c, next);
        }
        state = next;
        // Only a proper prefix is still forming; a whole keyword is already a hit.
        if (i + 1 < kw.length && kw.holds) {
          const exact = kw.foldCase ? null : kw.text.slice(0, i + 1);
          prefixes[state]!.set(`${startIds.get(kw.start)}\0${exact}`, { start: kw.start, exact });
        }
      }
      own[state]!.push(index);
    });

    const states = children.length;
    this.delta = new Int32Array(states * ALPHABET);
    this.fail = new Int32Array(states);
    this.depth = Uint8Array.from(depth);
    this.prefixes = prefixes.map((map) => [...map.values()]);
    this.outputs = own.map((o) => o.slice());
    this.hasOutput = new Uint8Array(states);
    this.longest = Math.max(0, ...depth);

    // Breadth-first: fail links, merged outputs and the full transition table.
    const queue: number[] = [0];
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head]!;
      const fail = this.fail[state]!;
      if (state !== 0) this.outputs[state] = [...own[state]!, ...this.outputs[fail]!];
      this.hasOutput[state] = this.outputs[state]!.length > 0 ? 1 : 0;
      for (let c = 0; c < ALPHABET; c++) {
        const folded = c >= 65 && c <= 90 ? c + 32 : c;
        const child = children[state]!.get(folded);
        if (child !== undefined) {
          this.delta[state * ALPHABET + c] = child;
          if (folded === c) {
            this.fail[child] = state === 0 ? 0 : this.delta[fail * ALPHABET + c]!;
            queue.push(child);
          }
        } else {
          this.delta[state * ALPHABET + c] = state === 0 ? 0 : this.delta[fail * ALPHABET + c]!;
        }
      }
    }
  }

  /** Whether keyword k, ending just before `end`, is a real hit (case and word start). */
  verify(k: number, end: number, charAt: CharAt): boolean {
    const kw = this.keywords[k]!;
    const start = end - kw.length;
    if (!kw.start(charAt(start - 1), charAt(start))) return false;
    if (!kw.foldCase) {
      for (let i = 0; i < kw.length; i++) if (charAt(start + i) !== kw.text.charCodeAt(i)) return false;
    }
    return true;
  }

  /**
   * How many trailing characters (ending at `end`, in `state`) could still begin a keyword
   * hit, and so must be held back.
   */
  holdback(state: number, end: number, charAt: CharAt): number {
    for (let s = state; s !== 0; s = this.fail[s]!) {
      const d = this.depth[s]!;
      const previous = charAt(end - d - 1);
      const first = charAt(end - d);
      for (const { start, exact } of this.prefixes[s]!) {
        if (start(previous, first) && (exact === null || sameText(exact, end - d, charAt))) return d;
      }
    }
    return 0;
  }
}

function sameText(text: string, from: number, charAt: CharAt): boolean {
  for (let i = 0; i < text.length; i++) if (charAt(from + i) !== text.charCodeAt(i)) return false;
  return true;
}
