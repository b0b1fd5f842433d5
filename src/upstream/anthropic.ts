import type { Connection, UpstreamCall, UpstreamRequest } from './connection.ts';

/** The Anthropic API itself (or anything speaking it, such as a test upstream). */
export function anthropicConnection(name: string, baseUrl: string, apiKey: string | undefined): Connection {
  const base = baseUrl.replace(/\/+$/, '');
  return {
    name,
    target: base,
    hasCredential: apiKey !== undefined && apiKey !== '',
    async prepare(call: UpstreamCall): Promise<UpstreamRequest> {
      const headers = call.headers;
      if (apiKey) headers.set('x-api-key', apiKey);
      // Asking for an unencoded body keeps the upstream's chunks the client's chunks.
      headers.set('accept-encoding', 'identity');
      return { url: base + call.path + call.query, headers, body: call.body };
    },
  };
}
