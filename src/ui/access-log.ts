/**
 * Who viewed or revealed what, recorded in the store itself: each page, export and reveal is
 * an ordinary exchange record on connection "scribe-ui", written by the ordinary recorder
 * (its own spool and writer chain), so `scribe verify` covers it like any other record.
 * The record holds the viewer's identity and the request line; never a token or a secret.
 * Refused requests are recorded too (who was refused, when the token was good; the status):
 * those without a verified identity at a bounded rate, since anyone can send them.
 */
import { hostname } from 'node:os';
import type { Identity } from '../identity/identity.ts';
import { newExchangeId } from '../record/exchange-id.ts';
import { createRecorder, recordingConfigSchema, type ScribeRecorder } from '../record/index.ts';
import type { Viewer } from './access.ts';

export const VIEWER_CONNECTION = 'scribe-ui';
/** Refusals of callers with no verified identity recorded per window; the rest are counted. */
export const ANONYMOUS_REFUSALS_PER_WINDOW = 10;
export const NOT_RECORDED_HEADER = 'x-scribe-refusals-not-recorded';
/** The last word of the session id that gathers refusals of callers without an identity. */
const UNAUTHENTICATED = 'unauthenticated';

/** Whether a viewer-access session is the one of refused callers without an identity. */
export const isUnauthenticatedSession = (session: string): boolean => session.startsWith('scribe-ui ') && session.endsWith(` ${UNAUTHENTICATED}`);

type ViewRequest = { method: string; url: string; userAgent?: string };

export interface AccessLog {
  readonly instance: string;
  /** Records one viewer request and the status it got. */
  note(viewer: Viewer, request: ViewRequest, status: number): void;
  /** Records a refused request: `identity` is null when the caller had no valid credentials. */
  refused(identity: Identity | null, request: ViewRequest, status: number): void;
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
  /** The window over which refusals without an identity are bounded (default 10 s). */
  refusalWindowMs?: number;
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
  const write = (identity: Identity | null, rule: string | null, who: string, request: ViewRequest, status: number, extra: Record<string, string> = {}) => {
    const refused = status === 401 || status === 403;
    const url = new URL(request.url);
    const headers: Record<string, string> = {
      // One session per viewer and viewer process: an auditor's visit reads as one session.
      'x-claude-code-session-id': `scribe-ui ${instance} ${who}`,
      ...extra,
    };
    if (request.userAgent) headers['user-agent'] = request.userAgent.slice(0, 200);
    const startedAt = Date.now();
    const exchange = recorder.begin({
      id: newExchangeId(startedAt),
      startedAt,
      ...(identity ? { identity } : {}),
      ...(rule ? { grant: { rule } } : {}),
      connection: VIEWER_CONNECTION,
      upstream: VIEWER_CONNECTION,
      request: { method: request.method, path: url.pathname, query: url.search, headers, body: new Uint8Array() },
    });
    exchange.response(status, new Headers());
    if (refused) exchange.end('rejected', status === 401 ? 'no valid credentials' : 'not granted the audit permission');
    else exchange.end('complete');
  };
  let window = { start: 0, recorded: 0, skipped: 0 };
  return {
    instance,
    note(viewer, request, status) {
      write(viewer.identity, viewer.rule, viewer.identity ? `${viewer.identity.issuer} ${viewer.identity.subject}` : 'local', request, status);
    },
    refused(identity, request, status) {
      if (identity) return write(identity, null, `${identity.issuer} ${identity.subject}`, request, status);
      const now = Date.now();
      if (now - window.start >= (options.refusalWindowMs ?? 10_000)) window = { start: now, recorded: 0, skipped: window.skipped };
      if (window.recorded >= ANONYMOUS_REFUSALS_PER_WINDOW) {
        window.skipped += 1;
        return;
      }
      window.recorded += 1;
      const skipped = window.skipped;
      window.skipped = 0;
      write(null, null, UNAUTHENTICATED, request, status, skipped > 0 ? { [NOT_RECORDED_HEADER]: String(skipped) } : {});
    },
    async flush() {
      await recorder.flush();
      for (let i = 0; i < 500 && recorder.stats().pendingBytes > 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    },
    close: () => recorder.close(),
  };
}
