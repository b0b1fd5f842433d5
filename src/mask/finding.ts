/** One redacted span. The original is handed to the recorder to seal, never to be logged. */
export interface RedactionFinding {
  /** The rule id, e.g. "github-pat". */
  rule: string;
  /** Where: 'response' text/tool input of a content block, or the request. */
  where: 'response' | 'request';
  /** Content block index in the response, when where = 'response'. */
  block?: number;
  /** Offsets in UTF-16 code units within the block's (or message's) decoded text, [start, end). */
  start: number;
  end: number;
  /** The plain original. Only the recorder's sealer may read it; it must never reach disk. */
  original: string;
  /**
   * 'redacted': replaced by the placeholder. 'noted': found in a thinking block, which must
   * pass byte-exact, so it was recorded but not changed. Absent means 'redacted'.
   */
  kind?: 'redacted' | 'noted';
  /**
   * In tool input (and request bodies' JSON), which string of the JSON text, counting every
   * string, keys included, from 0 in document order; start/end are then within that string.
   */
  string?: number;
  /** For request findings: where in the request body, e.g. "messages[4].content[1].content". */
  path?: string;
  /** The hold-back cap forced the decision: the span covers what had arrived by then. */
  truncated?: boolean;
}
