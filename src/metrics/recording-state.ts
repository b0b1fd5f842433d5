import type { RecorderStats } from '../record/index.ts';
import type { RecordingState } from './gateway-metrics.ts';

/** The recorder's figures a scrape shows. */
export function recordingState(stats: RecorderStats): RecordingState {
  return {
    spoolBytes: stats.pendingBytes,
    spoolFiles: stats.pendingBatches,
    unrecorded: stats.unrecorded,
    uploadFailures: stats.uploadFailures,
    uploadRetries: stats.uploadRetries,
  };
}
