/** Options shared by the commands that read a store: where it is, and a time range. */
import { openSink, type Sink } from '../store/sink.ts';

export const storeOptions = {
  store: { type: 'string' },
  'gcs-endpoint': { type: 'string' },
} as const;

/** The store named by --store, else SCRIBE_STORE, else the gateway's default. */
export async function openStore(values: { store?: string; 'gcs-endpoint'?: string }): Promise<Sink> {
  const url = values.store ?? process.env.SCRIBE_STORE ?? 'file:./data/sessions';
  const endpoint = values['gcs-endpoint'] ?? process.env.SCRIBE_GCS_ENDPOINT;
  return openSink(url, endpoint ? { gcsEndpoint: endpoint } : {});
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
