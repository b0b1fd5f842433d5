/** Options shared by the commands that read a store: where it is, its index cache, a time range. */
import { openAudit, type Audit } from '../audit/index.ts';
import type { Progress } from '../audit/types.ts';
import { openSink, type Sink } from '../store/sink.ts';

export const storeOptions = {
  store: { type: 'string' },
  'gcs-endpoint': { type: 'string' },
} as const;

/** For commands that read through the audit layer's index cache. */
export const auditOptions = {
  ...storeOptions,
  cache: { type: 'string' },
  refresh: { type: 'boolean' },
} as const;

type StoreValues = { store?: string; 'gcs-endpoint'?: string };

function storeUrl(values: StoreValues): { url: string; endpoint: string | undefined } {
  return { url: values.store ?? process.env.SCRIBE_STORE ?? 'file:./data/sessions', endpoint: values['gcs-endpoint'] ?? process.env.SCRIBE_GCS_ENDPOINT };
}

/** The store named by --store, else SCRIBE_STORE, else the gateway's default. */
export async function openStore(values: StoreValues): Promise<Sink> {
  const { url, endpoint } = storeUrl(values);
  return openSink(url, endpoint ? { gcsEndpoint: endpoint } : {});
}

/** The store, for auditing through its indexes (--cache: the cache file; --refresh: list everything again). */
export function openAuditStore(values: StoreValues & { cache?: string; refresh?: boolean }, progress?: (p: Progress) => void): Promise<Audit> {
  const { url, endpoint } = storeUrl(values);
  return openAudit(url, {
    ...(endpoint ? { gcsEndpoint: endpoint } : {}),
    ...(values.cache ? { cache: values.cache } : {}),
    ...(values.refresh ? { refresh: true } : {}),
    ...(progress ? { progress } : {}),
  });
}

/** An ISO 8601 time, or an age before now such as 30m, 12h, 7d. */
export function parseTime(text: string | undefined, now = Date.now()): number | undefined {
  if (text === undefined) return undefined;
  const age = /^(\d+)([smhd])$/.exec(text);
  if (age) return now - Number(age[1]) * { s: 1e3, m: 6e4, h: 36e5, d: 864e5 }[age[2] as 's' | 'm' | 'h' | 'd'];
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new Error(`not a time: ${text} (use ISO 8601, or an age like 2h or 7d)`);
  return ms;
}
