/** Opens the checkpoint writer for a recorder: the key, the store, the mirror, the state file in the spool dir. */
import { join } from 'node:path';
import type { RecordingConfig } from '../record/config.ts';
import { openSink, type Sink } from '../store/sink.ts';
import type { SigningKey } from './signing-key.ts';
import { CheckpointWriter } from './writer.ts';

export type { CheckpointWriter } from './writer.ts';

export async function openCheckpointWriter(
  config: RecordingConfig,
  sink: Sink,
  key: SigningKey,
  log: (message: string) => void,
  publish: ((checkpoint: { name: string; jws: string }) => void) | undefined,
): Promise<CheckpointWriter> {
  const endpoint = config.gcsEndpoint ? { gcsEndpoint: config.gcsEndpoint } : {};
  return CheckpointWriter.open({
    key,
    sink,
    mirror: config.checkpointMirror ? await openSink(config.checkpointMirror, endpoint) : undefined,
    stateFile: join(config.spoolDir, 'checkpoints.json'),
    intervalMs: config.checkpointIntervalMs,
    log,
    publish: publish ?? (({ name, jws }) => log(`checkpoint ${name} ${jws}`)),
  });
}
