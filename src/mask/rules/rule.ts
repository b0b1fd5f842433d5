import { ALNUM, charset, type Charset } from './charset.ts';
import type { Reader } from './reader.ts';

/**
 * Where a keyword may begin, judged by the character before it (-1 at the start of the text)
 * and the keyword's own first character. It also decides what a text's trailing fragment must
 * hold back, so keywords that may begin anywhere are kept to those that need it.
 */
export type KeywordStart = (previous: number, first: number) => boolean;

export const ANYWHERE: KeywordStart = () => true;
/** Tokens: not right after a letter or digit. */
export const WORD_START: KeywordStart = (previous) => !ALNUM(previous);
/**
 * Parts of names: after anything but a lower-case letter (DB_PASSWORD, cfg.token, APIKEY), or
 * at a camelCase hump (dbPassword). Not inside a lower-case word ("that", "tokens" do not count).
 */
export const NAME_START: KeywordStart = (previous, first) => !(previous >= 97 && previous <= 122) || (first >= 65 && first <= 90);
export const after =
  (chars: Charset): KeywordStart =>
  (previous) =>
    chars(previous);

/** The span a rule redacts, as indices into the reader's text, [start, end). */
export interface Span {
  start: number;
  end: number;
  /**
   * Where the whole credential begins when the span is only its secret part (a token's body
   * after its public prefix): the allowlist and the placeholder check judge the whole of it,
   * as an operator writes it.
   */
  whole?: number;
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
  /** Where its keywords may begin. */
  readonly start: KeywordStart;
  /**
   * Decides at one keyword hit. Reads only through `reader`, and never before `reader.lo`.
   * The span must start at or after `kwStart` (earlier text may already be released).
   * Returns null when no secret is there.
   */
  match(reader: Reader, kwStart: number, kwEnd: number): Span | null;
  /**
   * The span never covers the keyword (`NAME = value` redacts the value): the keyword's text
   * can be released while the rule is still undecided.
   */
  readonly redactsAfterKeyword?: boolean;
  /**
   * The rule looks for its secret further on than its keyword (a secret key near its key id),
   * so it is still asked when another rule has already redacted the keyword itself.
   */
  readonly looksPastKeyword?: boolean;
  /**
   * Characters that may continue the secret after the hold-back cap forced a decision: they
   * are dropped until another character comes. Defaults to TOKEN_CONTINUATION.
   */
  readonly continuation?: Charset;
}

export const TOKEN_CONTINUATION: Charset = charset('A-Za-z0-9+/=_.~%-');
