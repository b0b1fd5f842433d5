/**
 * GETs a small JSON document (OIDC discovery, a JWKS) with a deadline and a size bound, so a
 * slow or hostile issuer can neither hold a request nor fill memory.
 */
import { readAtMost } from '../stream/read-at-most.ts';

export interface FetchJsonOptions {
  fetch: typeof fetch;
  timeoutMs: number;
  maxBytes?: number;
  /** Throws for a URL that may not be fetched from; applied to where redirects lead too. */
  checkUrl?: (url: string) => void;
}

export async function fetchJson(url: string, options: FetchJsonOptions): Promise<unknown> {
  const maxBytes = options.maxBytes ?? 256 * 1024;
  const signal = AbortSignal.timeout(options.timeoutMs);
  let response: Response;
  try {
    response = await options.fetch(url, { headers: { accept: 'application/json' }, signal });
  } catch (error) {
    throw new Error(signal.aborted ? `no answer within ${options.timeoutMs} ms` : `unreachable (${describe(error)})`);
  }
  // Providers may redirect their key URLs; a redirect may not lead somewhere the original could not be.
  if (response.redirected && options.checkUrl !== undefined) {
    try {
      options.checkUrl(response.url);
    } catch (error) {
      await response.body?.cancel().catch(() => {});
      throw new Error(`redirected to a refused location (${describe(error)})`);
    }
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => {});
    throw new Error(`HTTP ${response.status}`);
  }
  let text: string;
  try {
    text = await readBounded(response, maxBytes);
  } catch (error) {
    throw new Error(signal.aborted ? `no full answer within ${options.timeoutMs} ms` : describe(error));
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new Error('the answer is not JSON');
  }
}

async function readBounded(response: Response, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (declared > maxBytes) {
    await response.body?.cancel().catch(() => {});
    throw new Error(`the answer is over ${maxBytes} bytes`);
  }
  if (response.body === null) return '';
  const bytes = await readAtMost(response.body, maxBytes);
  if (bytes === undefined) throw new Error(`the answer is over ${maxBytes} bytes`);
  return new TextDecoder().decode(bytes);
}

function describe(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return cause instanceof Error ? cause.message : String(cause);
}
