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
}
