/**
 * Who viewed or revealed what, recorded in the store itself: each page, export and reveal is
 * an ordinary exchange record on connection "scribe-ui", written by the ordinary recorder
 * (its own spool and writer chain), so `scribe verify` covers it like any other record.
 * The record holds the viewer's identity and the request line; never a token or a secret.
 */
import { hostname } from 'node:os';
import { createRecorder, recordingConfigSchema, type ScribeRecorder } from '../record/index.ts';
import type { Viewer } from './access.ts';

export const VIEWER_CONNECTION = 'scribe-ui';

export interface AccessLog {
  readonly instance: string;
  /** Records one viewer request and the status it got. */
  note(viewer: Viewer, request: { method: string; url: string; userAgent?: string }, status: number): void;
  flush(): Promise<void>;
  close(): Promise<void>;
}

export interface AccessLogOptions {
  store: string;
  gcsEndpoint?: string;
  spoolDir: string;
  /** The writer's chain name; `ui-<host>` by default. */
  instanceId?: string;
  log?: (message: string) => void;
  /** How long a batch of access records may wait before it is written (default 1 s). */
  batchMaxAgeMs?: number;
}

export async function openAccessLog(options: AccessLogOptions): Promise<AccessLog> {
  const config = recordingConfigSchema.parse({
    store: options.store,
    spoolDir: options.spoolDir,
    ...(options.gcsEndpoint ? { gcsEndpoint: options.gcsEndpoint } : {}),
    ...(options.batchMaxAgeMs ? { batchMaxAgeMs: options.batchMaxAgeMs, uploadRetryMinMs: 20, uploadRetryMaxMs: 1000 } : {}),
  });
  const instanceId = options.instanceId ?? `ui-${hostname()}`;
  const recorder: ScribeRecorder = await createRecorder(config, { instanceId, ...(options.log ? { log: options.log } : {}) });
  const instance = recorder.stats().instance;
  return {
    instance,
    note(viewer, request, status) {
      const url = new URL(request.url);
      const who = viewer.identity ? `${viewer.identity.issuer} ${viewer.identity.subject}` : 'local';
      const headers: Record<string, string> = {
        // One session per viewer and viewer process: an auditor's visit reads as one session.
        'x-claude-code-session-id': `scribe-ui ${instance} ${who}`,
      };
      if (request.userAgent) headers['user-agent'] = request.userAgent.slice(0, 200);
      const exchange = recorder.begin({
        id: crypto.randomUUID(),
        startedAt: Date.now(),
        ...(viewer.identity ? { identity: viewer.identity } : {}),
        ...(viewer.rule ? { grant: { rule: viewer.rule } } : {}),
        connection: VIEWER_CONNECTION,
        upstream: VIEWER_CONNECTION,
        request: { method: request.method, path: url.pathname, query: url.search, headers, body: new Uint8Array() },
      });
      exchange.response(status, new Headers());
      exchange.end('complete');
    },
    async flush() {
      await recorder.flush();
      for (let i = 0; i < 500 && recorder.stats().pendingBytes > 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    },
    close: () => recorder.close(),
  };
}
