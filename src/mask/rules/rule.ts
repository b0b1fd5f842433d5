import type { Reader } from './reader.ts';

/** The span a rule redacts, as indices into the reader's text, [start, end). */
export interface Span {
  start: number;
  end: number;
}

/**
 * One kind of credential. The keyword prefilter finds `keywords`; `match` then decides, at
 * that one place, whether a secret is there and which span it covers.
 */
export interface Rule {
  /** Stable id, shown in the placeholder and the record, e.g. "github-pat". */
  readonly id: string;
  /** ASCII literals, each of which starts (or introduces) the secret. */
  readonly keywords: readonly string[];
  /** Keywords match regardless of ASCII case. */
  readonly foldCase: boolean;
  /** The keyword must not follow a letter or digit (tokens, not substrings of words). */
  readonly wordStart: boolean;
  /**
   * Decides at one keyword hit. Reads only through `reader`, and never before `reader.lo`.
   * The span must start at or after `kwStart` (earlier text may already be released).
   * Returns null when no secret is there.
   */
  match(reader: Reader, kwStart: number, kwEnd: number): Span | null;
}
