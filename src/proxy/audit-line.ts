import type { ExchangeRecorder } from '../record/recorder.ts';
import { UsageWatcher } from '../stream/usage.ts';

/**
 * The recorder of an exchange on a connection with recording off: the store still gets a
 * chained line saying who called, when, which model, how it ended and how many tokens, so
 * "who used it" is never lost, but no byte of the request or response reaches it. Chunks
 * are only watched for the usage they report (a reference each, as on any stream).
 */
export function auditLine(record: ExchangeRecorder): ExchangeRecorder {
  const usage = new UsageWatcher();
  return {
    response: (status, headers) => record.response(status, headers),
    chunk: (bytes) => usage.chunk(bytes),
    // Findings point into bodies (and carry sealed originals); an audit line keeps none.
    finding() {},
    usage: () => {},
    end(outcome, detail) {
      const counts = usage.counts();
      if (counts.input_tokens + counts.output_tokens > 0) record.usage?.(counts);
      record.end(outcome, detail);
    },
  };
}
