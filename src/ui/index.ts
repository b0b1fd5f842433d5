/**
 * openViewer assembles `scribe ui` from config: the audit reader, who may look (issuers,
 * Google IAP, the policy's audit grant), and the access log that records every view.
 */
import { openAudit, type AuditReader } from '../audit/index.ts';
import type { IdentityConfig } from '../identity/config.ts';
import { createAuthenticator } from '../identity/index.ts';
import { auditGrant, type PolicyRule } from '../policy/index.ts';
import { iapAuthenticator, type AccessOptions } from './access.ts';
import { openAccessLog, type AccessLog } from './access-log.ts';
import { createViewer } from './app.ts';

export interface ViewerConfig {
  store: string;
  gcsEndpoint?: string;
  /** The viewer's own spool for its access records. */
  spoolDir: string;
  /** Writer chain name of the access records; `ui-<host>` by default. */
  instanceId?: string;
  identity: IdentityConfig;
  policyRules: readonly PolicyRule[];
  /** Set when deployed behind Google IAP: the audience IAP signs for, and (tests) its keys. */
  iap?: { audience: string; jwksUri?: string };
  /** Where the gateway keeps its state (passed to the identity module). */
  dataDir?: string;
  /** The audit layer's index cache file (default: its own per-store default; ':memory:' keeps none). */
  auditCache?: string;
  /** How long access records may wait before they are written (default 1 s). */
  accessBatchMaxAgeMs?: number;
  log?: (message: string) => void;
}

export interface OpenedViewer {
  fetch(request: Request): Response | Promise<Response>;
  /** True when an identity provider is configured: the viewer may listen beyond loopback. */
  authenticated: boolean;
  reader: AuditReader;
  accessLog: AccessLog;
  close(): Promise<void>;
}

export async function openViewer(config: ViewerConfig): Promise<OpenedViewer> {
  const access: AccessOptions = { grant: auditGrant(config.policyRules) };
  if (config.identity.issuers.length > 0) {
    access.bearer = (await createAuthenticator(config.identity, { dataDir: config.dataDir ?? './data' })).authenticator;
  }
  if (config.iap) access.iap = await iapAuthenticator(config.iap);
  const reader = await openAudit(config.store, {
    ...(config.gcsEndpoint ? { gcsEndpoint: config.gcsEndpoint } : {}),
    ...(config.auditCache ? { cache: config.auditCache } : {}),
  });
  const accessLog = await openAccessLog({
    store: config.store,
    spoolDir: config.spoolDir,
    ...(config.gcsEndpoint ? { gcsEndpoint: config.gcsEndpoint } : {}),
    ...(config.instanceId ? { instanceId: config.instanceId } : {}),
    ...(config.accessBatchMaxAgeMs ? { batchMaxAgeMs: config.accessBatchMaxAgeMs } : {}),
    ...(config.log ? { log: config.log } : {}),
  });
  const authenticated = access.bearer !== undefined || access.iap !== undefined;
  const app = createViewer({ reader, access, accessLog, loopbackOnly: !authenticated, ...(config.log ? { log: config.log } : {}) });
  return {
    fetch: (request) => app.fetch(request),
    authenticated,
    reader,
    accessLog,
    async close() {
      await accessLog.close();
      await reader.close();
    },
  };
}
