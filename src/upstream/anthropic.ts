import type { Connection, UpstreamCall, UpstreamRequest } from './connection.ts';
import type { ConnectionSwitches } from './switches.ts';
import { ANTHROPIC_VERSION, fromVertexCall } from './vertex-format.ts';

/** The Anthropic API itself (or anything speaking it, such as a test upstream). */
export function anthropicConnection(name: string, baseUrl: string, apiKey: string | undefined, switches?: ConnectionSwitches): Connection {
  const base = baseUrl.replace(/\/+$/, '');
  return {
    name,
    target: base,
    hasCredential: apiKey !== undefined && apiKey !== '',
    ...(switches ? { switches } : {}),
    async prepare(call: UpstreamCall): Promise<UpstreamRequest> {
      const headers = call.headers;
      if (apiKey) headers.set('x-api-key', apiKey);
      // Asking for an unencoded body keeps the upstream's chunks the client's chunks.
      headers.set('accept-encoding', 'identity');
      if (call.vertex) {
        // A Vertex-format caller: the model comes from the path, the version goes to its header.
        const { path, body } = fromVertexCall(call.vertex, call.json);
        if (!headers.has('anthropic-version')) headers.set('anthropic-version', ANTHROPIC_VERSION);
        headers.set('content-type', 'application/json');
        return { url: base + path, headers, body };
      }
      return { url: base + call.path + call.query, headers, body: call.body };
    },
  };
}
