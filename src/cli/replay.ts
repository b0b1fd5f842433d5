/**
 * `scribe replay <exchange|session id>`: rebuilds each request exactly and re-streams the
 * recorded response at its original pace; or, with --to, sends the rebuilt request again.
 */
import { parseArgs } from 'node:util';
import type { ExchangeRecord } from '../record/record.ts';
import type { ExchangeView } from '../audit/types.ts';
import { restream } from '../replay/restream.ts';
import { stderrProgress } from './progress.ts';
import { auditOptions, openAuditStore } from './store-options.ts';

const usage = `Usage: scribe replay <exchange id | session id> [options]
  --speed <n>      play n times faster (default 1)
  --no-pace        write the recorded response at once
  --request        print the rebuilt request body instead of the response
  --to <url>       send the rebuilt request to this gateway or upstream base URL and stream its answer
  --token <t>      bearer token for --to (default SCRIBE_TOKEN; else ANTHROPIC_API_KEY as x-api-key)
The store is --store or SCRIBE_STORE.
`;

/** Request headers worth resending: what shapes the call, never credentials. */
const resendHeaders = ['content-type', 'anthropic-version', 'anthropic-beta', 'accept'];

async function resend(record: ExchangeRecord, body: Uint8Array, to: string, token: string | undefined): Promise<void> {
  const headers = new Headers();
  for (const name of resendHeaders) {
    const value = record.request.headers[name];
    if (value) headers.set(name, value);
  }
  if (token) headers.set('authorization', `Bearer ${token}`);
  else if (process.env.ANTHROPIC_API_KEY) headers.set('x-api-key', process.env.ANTHROPIC_API_KEY);
  const url = `${to.replace(/\/$/, '')}${record.request.path}${record.request.query ? `?${record.request.query.replace(/^\?/, '')}` : ''}`;
  const response = await fetch(url, { method: record.request.method, headers, body: body.byteLength > 0 ? (body as Uint8Array<ArrayBuffer>) : null });
  process.stderr.write(`# ${response.status} from ${url}\n`);
  if (!response.body) return;
  const reader = response.body.getReader();
  for (let next = await reader.read(); !next.done; next = await reader.read()) process.stdout.write(next.value);
}

export async function runReplay(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { ...auditOptions, speed: { type: 'string' }, 'no-pace': { type: 'boolean' }, request: { type: 'boolean' }, to: { type: 'string' }, token: { type: 'string' } },
    });
  } catch (error) {
    process.stderr.write(`scribe replay: ${(error as Error).message}\n${usage}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [id] = positionals;
  const speed = Number(values.speed ?? 1);
  if (!id || !(speed > 0)) {
    process.stderr.write(usage);
    return 2;
  }
  const progress = stderrProgress('replay');
  let audit;
  try {
    audit = await openAuditStore(values, progress.report);
    const single = await audit.exchange(id);
    const views: ExchangeView[] = single ? [single] : ((await audit.session(id))?.exchanges ?? []);
    progress.done();
    if (views.length === 0) {
      process.stderr.write(`scribe replay: no exchange or session ${id} in ${audit.store}\n`);
      return 1;
    }
    for (const [index, { record, requestBody }] of views.entries()) {
      if (views.length > 1) process.stderr.write(`# exchange ${record.id} (${index + 1}/${views.length}) ${record.time.start}\n`);
      if (values.request) process.stdout.write(await requestBody());
      else if (values.to) await resend(record, await requestBody(), values.to, values.token ?? process.env.SCRIBE_TOKEN);
      else for await (const piece of restream(record, { speed, pace: !values['no-pace'] })) process.stdout.write(piece);
      if (values.request && views.length > 1) process.stdout.write('\n');
    }
    return 0;
  } catch (error) {
    process.stderr.write(`scribe replay: ${(error as Error).message}\n`);
    return 1;
  } finally {
    await audit?.close();
  }
}
