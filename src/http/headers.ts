/**
 * Which headers cross the gateway. Requests keep what the Messages API and Claude Code use;
 * credentials and connection-level headers stay behind, since the gateway adds its own.
 */
import { HeaderList } from './header-list.ts';

const HOP_BY_HOP = new Set([
  'connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer',
  'transfer-encoding', 'upgrade', 'host', 'content-length', 'expect', 'accept-encoding',
]);

const CREDENTIALS = new Set(['authorization', 'x-api-key', 'cookie', 'set-cookie', 'x-goog-api-key']);

/** x- headers whose names say they carry a secret; x-claude-code-session-id is not one. */
const CREDENTIAL_NAME = /(?:^|-)(?:api-?key|token|secret|password|passwd|credential|auth(?:orization)?|cookie|signature)(?:-|$)/;

const GATEWAY_OWN = 'x-scribe-';

export function isForwardableRequestHeader(name: string): boolean {
  if (HOP_BY_HOP.has(name) || CREDENTIALS.has(name)) return false;
  if (name.startsWith('anthropic-')) return true;
  if (name === 'content-type' || name === 'accept' || name === 'user-agent') return true;
  if (name.startsWith('x-')) {
    if (name.startsWith(GATEWAY_OWN) || name.startsWith('x-forwarded-') || name === 'x-real-ip') return false;
    return !CREDENTIAL_NAME.test(name);
  }
  return false;
}

/** The caller's headers as the upstream gets them (credentials are the connection's to add) and as the record keeps them. */
export interface RequestHeaderViews {
  forwardable: HeaderList;
  recordable: Record<string, string>;
}

/**
 * Both of the above from one pass over the caller's headers (on Node, iterating a request's
 * headers builds and sorts them each time).
 */
export function requestHeaderViews(incoming: Headers): RequestHeaderViews {
  const forwardable = new HeaderList();
  const recordable: Record<string, string> = {};
  incoming.forEach((value, name) => {
    if (!isForwardableRequestHeader(name)) return;
    forwardable.set(name, value);
    recordable[name] = value;
  });
  return { forwardable, recordable };
}

/**
 * The same from the header lines as a server received them (name, value, ...; names in any
 * case): a name sent twice is one header, its values joined as Web Headers join them.
 */
export function requestHeaderViewsOfLines(lines: readonly string[]): RequestHeaderViews {
  const forwardable = new HeaderList();
  const recordable: Record<string, string> = {};
  for (let i = 0; i < lines.length; i += 2) {
    const name = lines[i]!.toLowerCase();
    if (!isForwardableRequestHeader(name)) continue;
    const value = lines[i + 1]!;
    forwardable.append(name, value);
    recordable[name] = forwardable.get(name)!;
  }
  return { forwardable, recordable };
}

export function isForwardableResponseHeader(name: string): boolean {
  return (
    name === 'content-type' ||
    name === 'request-id' ||
    name === 'x-request-id' ||
    name === 'retry-after' ||
    name === 'x-should-retry' ||
    name === 'cache-control' ||
    name.startsWith('anthropic-')
  );
}

/** The upstream's response headers the caller gets; never set-cookie or the upstream's framing. */
export function forwardableResponseHeaders(upstream: Headers): Headers {
  const out = new Headers();
  upstream.forEach((value, name) => {
    if (isForwardableResponseHeader(name)) out.set(name, value);
  });
  return out;
}
