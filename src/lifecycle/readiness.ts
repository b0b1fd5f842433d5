import type { Authenticator } from '../identity/identity.ts';
import type { Recorder } from '../record/recorder.ts';
import type { Connection } from '../upstream/connection.ts';

export interface ReadinessSources {
  connections: ReadonlyMap<string, Connection>;
  authenticator: Authenticator;
  recorder: Recorder & { stats?(): { pendingBytes: number } };
  /** The spool's capacity; undefined when recording is off. */
  spoolMaxBytes: number | undefined;
}

export interface Readiness {
  ready: boolean;
  /** Each check: "ok", or what is missing, in words an operator can act on. */
  checks: { upstream: string; issuers: string; recording: string };
}

/**
 * /readyz: whether this replica should get traffic. Ready only when every connection holds its
 * upstream credential, every trusted issuer's signing keys are loaded, and recording can take
 * records (the store accepts them, or the spool has room). /healthz stays liveness only.
 */
export function readiness(sources: ReadinessSources): Readiness {
  const withoutCredential = [...sources.connections].filter(([, connection]) => !connection.hasCredential).map(([name]) => `"${name}"`);
  const withoutKeys = sources.authenticator.issuersWithoutKeys?.() ?? [];
  const checks = {
    upstream: withoutCredential.length === 0 ? 'ok' : `no upstream credential for connection ${withoutCredential.join(', ')}`,
    issuers: withoutKeys.length === 0 ? 'ok' : `no signing keys yet for ${withoutKeys.join(', ')}`,
    recording: recordingState(sources),
  };
  return { ready: Object.values(checks).every((check) => check === 'ok'), checks };
}

function recordingState({ recorder, spoolMaxBytes }: ReadinessSources): string {
  if (!recorder.accepting()) return 'cannot record and configured to refuse calls until it can';
  const pending = recorder.stats?.().pendingBytes;
  if (spoolMaxBytes !== undefined && pending !== undefined && pending >= spoolMaxBytes) return `spool full (${pending} bytes waiting for the store)`;
  return 'ok';
}
