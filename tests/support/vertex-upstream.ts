/**
 * A fake Claude on Vertex AI over real HTTP on loopback. It answers only what Vertex AI
 * answers, the way it does: POST /v1/projects/{project}/locations/{region}/publishers/
 * anthropic/models/{model}:rawPredict or :streamRawPredict (and the count-tokens model), for
 * its one project and region, with the Google access token it expects as Bearer credential,
 * anthropic_version in the body and no model in it. Streams are real Messages SSE.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { encodeEvent, messageEvents, messageJson, type Reply } from './messages.ts';

export interface VertexCall {
  path: string;
  project: string;
  region: string;
  model: string;
  method: string;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
}

export interface FakeVertex {
  url: string;
  project: string;
  region: string;
  /** The Google access token the gateway must send. */
  accessToken: string;
  /** Calls that passed every check. */
  calls: VertexCall[];
  /** Calls refused, with why (a test asserts there are none). */
  refused: string[];
  respondWith(decide: ((body: Record<string, unknown>) => Reply | undefined) | undefined): void;
  close(): Promise<void>;
}

const ROUTE = /^\/v1\/projects\/([^/]+)\/locations\/([^/]+)\/publishers\/anthropic\/models\/([^/:]+):(rawPredict|streamRawPredict)$/;
const DEFAULT_REPLY: Reply = { blocks: [{ type: 'text', text: 'Hello from Vertex AI.' }] };

export async function startFakeVertex(options: { project?: string; region?: string } = {}): Promise<FakeVertex> {
  const project = options.project ?? 'gateway-project';
  const region = options.region ?? 'us-east5';
  const accessToken = `ya29.fake-${crypto.randomUUID()}`;
  const calls: VertexCall[] = [];
  const refused: string[] = [];
  let decide: ((body: Record<string, unknown>) => Reply | undefined) | undefined;

  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => {
      const refuse = (status: number, googleStatus: string, message: string): void => {
        refused.push(`${status} ${message}`);
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: status, message, status: googleStatus } }));
      };
      const path = new URL(req.url ?? '/', 'http://vertex').pathname;
      const match = ROUTE.exec(path);
      if (req.method !== 'POST' || match === null) return refuse(404, 'NOT_FOUND', `no such Vertex AI endpoint: ${req.method} ${path}`);
      const [, callProject, callRegion, model, method] = match as unknown as string[];
      if (callProject !== project || callRegion !== region) {
        return refuse(403, 'PERMISSION_DENIED', `this token is for ${project}/${region}, not ${callProject}/${callRegion}`);
      }
      if (req.headers.authorization !== `Bearer ${accessToken}`) return refuse(401, 'UNAUTHENTICATED', 'missing or wrong Google access token');
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(Buffer.concat(parts).toString('utf8'));
      } catch {
        return refuse(400, 'INVALID_ARGUMENT', 'body is not JSON');
      }
      if (typeof body.anthropic_version !== 'string') return refuse(400, 'INVALID_ARGUMENT', 'anthropic_version is required in the body');
      if (model !== 'count-tokens' && 'model' in body) return refuse(400, 'INVALID_ARGUMENT', 'model belongs in the URL, not the body');
      if (model === 'count-tokens' && typeof body.model !== 'string') return refuse(400, 'INVALID_ARGUMENT', 'count-tokens needs the model in the body');
      calls.push({ path, project: callProject as string, region: callRegion as string, model: model as string, method: method as string, headers: { ...req.headers }, body });
      if (model === 'count-tokens') return json(res, { input_tokens: 42 });
      const reply = { ...(decide?.(body) ?? DEFAULT_REPLY), model: model as string };
      if (method === 'streamRawPredict') return void stream(res, reply);
      return json(res, messageJson(reply));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    project,
    region,
    accessToken,
    calls,
    refused,
    respondWith: (fn) => {
      decide = fn;
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

function json(res: ServerResponse, body: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function stream(res: ServerResponse, reply: Reply): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
  for (const event of messageEvents(reply)) {
    if (res.destroyed) return;
    res.write(encodeEvent(event));
    await new Promise((resolve) => setImmediate(resolve));
  }
  res.end();
}
