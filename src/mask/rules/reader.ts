/**
 * The view a rule's matcher gets of the text around one keyword hit.
 *
 * Matchers read only through `at()`. Past the end of a text that may still grow, `at()` throws
 * MORE: whatever the matcher would decide there depends on characters not yet seen, so the
 * decision is postponed. This makes every matcher monotone by construction, which is what
 * lets a streamed text, split anywhere, be redacted exactly like the whole text at once.
 */
export const MORE: unique symbol = Symbol('more text needed');

export class Reader {
  /**
   * The matcher has established that its span, if any, starts at or after this index: text
   * before it can be released while the decision still waits for more text.
   */
  kept = 0;

  constructor(
    readonly text: string,
    /** No more text will come: past the end reads as -1. */
    readonly final: boolean,
    /** The lowest index a matcher may look at (its look-behind window); below reads as -1. */
    readonly lo: number,
  ) {}

  /** The UTF-16 code unit at i, or -1 outside the text. Throws MORE past the end of a growing text. */
  at(i: number): number {
    if (i < this.text.length) return i < this.lo ? -1 : this.text.charCodeAt(i);
    if (this.final) return -1;
    throw MORE;
  }

  /** Whether `s` is at i (ASCII case-insensitive when `fold`). Throws MORE while undecidable. */
  startsWith(i: number, s: string, fold = false): boolean {
    for (let k = 0; k < s.length; k++) {
      let c = this.at(i + k);
      let e = s.charCodeAt(k);
      if (fold) {
        c = lower(c);
        e = lower(e);
      }
      if (c !== e) return false;
    }
    return true;
  }

  /** Records that no span of this match will start before `pos` (see `kept`). */
  keep(pos: number): void {
    if (pos > this.kept) this.kept = pos;
  }

  slice(start: number, end: number): string {
    return this.text.slice(start, end);
  }
}

export function lower(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}
