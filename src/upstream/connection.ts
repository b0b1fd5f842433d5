import type { HeaderList } from '../http/header-list.ts';
import type { ConnectionSwitches } from './switches.ts';

/**
 * A call the caller addressed the Vertex AI way: project, region, model and method in the
 * path, anthropic_version in the body. count_tokens is the model "count-tokens".
 */
export interface VertexAddress {
  project: string;
  region: string;
  model: string;
  method: 'rawPredict' | 'streamRawPredict';
}

/** One call as the gateway forwards it: path under /v1, query string, filtered headers, body. */
export interface UpstreamCall {
  method: string;
  /** Always starts with /v1/. */
  path: string;
  /** The raw query string including its "?", or "". Forwarded byte for byte. */
  query: string;
  headers: HeaderList;
  body: Uint8Array | undefined;
  /** The parsed body when it is JSON; connections that must rewrite it (Vertex) use it. */
  json: unknown;
  /** Set when the caller spoke the Vertex AI format (path is then the caller's Vertex path). */
  vertex?: VertexAddress;
}

export interface UpstreamRequest {
  url: string;
  headers: HeaderList;
  body: Uint8Array | undefined;
}

/**
 * Where calls go and with which credential. The credential is added here and nowhere else,
 * so no other part of the gateway ever holds it.
 */
export interface Connection {
  readonly name: string;
  /** Where calls go, without credentials: for records, logs and error messages. */
  readonly target: string;
  /** False when no credential is configured; calls then get a clear error, not an upstream 401. */
  readonly hasCredential: boolean;
  /** What the gateway does on this connection; absent: the gateway-wide parts decide. */
  readonly switches?: ConnectionSwitches;
  prepare(call: UpstreamCall): Promise<UpstreamRequest>;
}
