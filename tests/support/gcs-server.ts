/**
 * A Cloud Storage JSON API server for tests, small enough to read, faithful enough that the
 * real @google-cloud/storage client talks to it unchanged (point `apiEndpoint` at `url`; with a
 * custom endpoint the client sends no credentials). Supports buckets; multipart, media and
 * resumable uploads; generation preconditions (412); listing by prefix and offsets with
 * paging; download with x-goog-hash; delete. Faults can be injected: answer every request
 * with an error for a while, or perform a write and then lose its response.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CRC32C } from '@google-cloud/storage';

export interface StoredObject {
  name: string;
  bucket: string;
  generation: number;
  metageneration: number;
  contentType: string;
  data: Buffer;
  metadata?: Record<string, string>;
  created: string;
}

interface ResumableSession {
  bucket: string;
  name: string;
  contentType: string;
  metadata?: Record<string, string>;
  query: URLSearchParams;
  received: Buffer[];
  size: number;
}

export interface GcsServerOptions {
  /** Items per list page when the request does not ask for fewer. */
  pageSize?: number;
}

class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly reason = 'invalid') {
    super(message);
  }
}

function objectResource(object: StoredObject): Record<string, unknown> {
  const crc = new CRC32C();
  crc.update(object.data);
  return {
    kind: 'storage#object',
    id: `${object.bucket}/${object.name}/${object.generation}`,
    selfLink: `/storage/v1/b/${object.bucket}/o/${encodeURIComponent(object.name)}`,
    name: object.name,
    bucket: object.bucket,
    generation: String(object.generation),
    metageneration: String(object.metageneration),
    contentType: object.contentType,
    size: String(object.data.length),
    md5Hash: createHash('md5').update(object.data).digest('base64'),
    crc32c: crc.toString(),
    timeCreated: object.created,
    updated: object.created,
    ...(object.metadata ? { metadata: object.metadata } : {}),
  };
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Splits a multipart/related body into its parts' headers and bodies. */
function parseMultipart(body: Buffer, contentType: string): { headers: Record<string, string>; body: Buffer }[] {
  const boundary = /boundary="?([^";]+)"?/.exec(contentType)?.[1];
  if (!boundary) throw new HttpError(400, 'multipart upload without a boundary');
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: { headers: Record<string, string>; body: Buffer }[] = [];
  let position = body.indexOf(delimiter);
  while (position !== -1) {
    const start = position + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, start);
    if (next === -1) break;
    // Each part: CRLF, headers, CRLF CRLF, body, CRLF before the next delimiter.
    const part = body.subarray(start + 2, next - 2);
    const split = part.indexOf('\r\n\r\n');
    const headers: Record<string, string> = {};
    for (const line of part.subarray(0, split).toString().split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    parts.push({ headers, body: part.subarray(split + 4) });
    position = next;
  }
  return parts;
}

export class GcsServer {
  readonly buckets = new Map<string, Map<string, StoredObject>>();
  /** Every request received, as "METHOD path". */
  readonly requests: string[] = [];
  private readonly sessions = new Map<string, ResumableSession>();
  private generations = 1_000_000;
  private failUntil = 0;
  private failStatus = 503;
  private failCount = 0;
  private loseResponses = 0;
  private server: Server | undefined;
  url = '';

  constructor(private readonly options: GcsServerOptions = {}) {}

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        const status = error instanceof HttpError ? error.status : 500;
        const reason = error instanceof HttpError ? error.reason : 'backendError';
        this.json(response, status, { error: { code: status, message: (error as Error).message, errors: [{ reason, message: (error as Error).message }] } });
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  createBucket(name: string): void {
    if (!this.buckets.has(name)) this.buckets.set(name, new Map());
  }

  /** Objects of a bucket, by name. */
  objects(bucket: string): Map<string, StoredObject> {
    return this.buckets.get(bucket) ?? new Map();
  }

  /** Answers every request with `status` for the next `ms` milliseconds. */
  failFor(ms: number, status = 503): void {
    this.failUntil = Date.now() + ms;
    this.failStatus = status;
  }

  /** Answers the next `count` requests with `status`. */
  failNext(count: number, status = 503): void {
    this.failCount = count;
    this.failStatus = status;
  }

  /** Performs the next `count` object writes but answers 503, as if the response was lost. */
  loseNextWriteResponses(count: number): void {
    this.loseResponses = count;
  }

  private json(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    if (response.headersSent) return;
    response.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', ...headers });
    response.end(JSON.stringify(body));
  }

  private bucket(name: string): Map<string, StoredObject> {
    const bucket = this.buckets.get(name);
    if (!bucket) throw new HttpError(404, `bucket ${name} not found`, 'notFound');
    return bucket;
  }

  private checkPreconditions(existing: StoredObject | undefined, query: URLSearchParams): void {
    const match = query.get('ifGenerationMatch');
    if (match !== null && (existing?.generation ?? 0) !== Number(match)) throw new HttpError(412, 'At least one of the pre-conditions you specified did not hold.', 'conditionNotMet');
    const notMatch = query.get('ifGenerationNotMatch');
    if (notMatch !== null && (existing?.generation ?? 0) === Number(notMatch)) throw new HttpError(412, 'ifGenerationNotMatch did not hold.', 'conditionNotMet');
    const metaMatch = query.get('ifMetagenerationMatch');
    if (metaMatch !== null && existing?.metageneration !== Number(metaMatch)) throw new HttpError(412, 'ifMetagenerationMatch did not hold.', 'conditionNotMet');
  }

  private write(response: ServerResponse, bucketName: string, name: string, data: Buffer, contentType: string, metadata: Record<string, string> | undefined, query: URLSearchParams): void {
    const bucket = this.bucket(bucketName);
    this.checkPreconditions(bucket.get(name), query);
    const object: StoredObject = {
      name,
      bucket: bucketName,
      generation: ++this.generations,
      metageneration: 1,
      contentType,
      data,
      created: new Date().toISOString(),
      ...(metadata ? { metadata } : {}),
    };
    bucket.set(name, object);
    if (this.loseResponses > 0) {
      this.loseResponses--;
      throw new HttpError(503, 'response lost after the write (injected)', 'backendError');
    }
    this.json(response, 200, objectResource(object));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', this.url);
    const path = url.pathname;
    const query = url.searchParams;
    this.requests.push(`${request.method} ${path}`);
    const body = await readBody(request);

    if (Date.now() < this.failUntil || this.failCount > 0) {
      if (this.failCount > 0) this.failCount--;
      throw new HttpError(this.failStatus, 'injected failure', 'backendError');
    }

    let match: RegExpExecArray | null;
    if (request.method === 'POST' && path === '/storage/v1/b') {
      const { name } = JSON.parse(body.toString()) as { name: string };
      this.createBucket(name);
      return this.json(response, 200, { kind: 'storage#bucket', id: name, name });
    }
    if ((match = /^\/storage\/v1\/b\/([^/]+)$/.exec(path))) {
      const name = decodeURIComponent(match[1] as string);
      this.bucket(name);
      return this.json(response, 200, { kind: 'storage#bucket', id: name, name });
    }
    if ((match = /^\/upload\/storage\/v1\/b\/([^/]+)\/o$/.exec(path))) {
      return this.upload(request, response, decodeURIComponent(match[1] as string), query, body);
    }
    if (request.method === 'GET' && (match = /^\/storage\/v1\/b\/([^/]+)\/o$/.exec(path))) {
      return this.list(response, decodeURIComponent(match[1] as string), query);
    }
    if ((match = /^\/(?:download\/)?storage\/v1\/b\/([^/]+)\/o\/(.+)$/.exec(path))) {
      const bucket = this.bucket(decodeURIComponent(match[1] as string));
      const name = decodeURIComponent(match[2] as string);
      const object = bucket.get(name);
      if (!object) throw new HttpError(404, `No such object: ${name}`, 'notFound');
      if (request.method === 'DELETE') {
        this.checkPreconditions(object, query);
        bucket.delete(name);
        response.writeHead(204).end();
        return;
      }
      if (request.method !== 'GET') throw new HttpError(405, `${request.method} not supported`);
      if (query.get('alt') !== 'media') return this.json(response, 200, objectResource(object));
      const resource = objectResource(object);
      response.writeHead(200, {
        'content-type': object.contentType,
        'content-length': object.data.length,
        'x-goog-hash': `crc32c=${resource.crc32c},md5=${resource.md5Hash}`,
        'x-goog-generation': String(object.generation),
        'x-goog-stored-content-length': String(object.data.length),
      });
      response.end(object.data);
      return;
    }
    throw new HttpError(404, `no route for ${request.method} ${path}`, 'notFound');
  }

  private upload(request: IncomingMessage, response: ServerResponse, bucketName: string, query: URLSearchParams, body: Buffer): void {
    const uploadType = query.get('uploadType');
    const contentType = request.headers['content-type'] ?? 'application/octet-stream';
    if (uploadType === 'media') {
      const name = query.get('name');
      if (!name) throw new HttpError(400, 'media upload without a name');
      return this.write(response, bucketName, name, body, contentType, undefined, query);
    }
    if (uploadType === 'multipart') {
      const [metaPart, dataPart] = parseMultipart(body, contentType);
      if (!metaPart || !dataPart) throw new HttpError(400, 'multipart upload needs metadata and data parts');
      const meta = JSON.parse(metaPart.body.toString() || '{}') as { name?: string; contentType?: string; metadata?: Record<string, string> };
      const name = query.get('name') ?? meta.name;
      if (!name) throw new HttpError(400, 'multipart upload without a name');
      return this.write(response, bucketName, name, dataPart.body, meta.contentType ?? dataPart.headers['content-type'] ?? 'application/octet-stream', meta.metadata, query);
    }
    if (uploadType === 'resumable') {
      const uploadId = query.get('upload_id');
      if (uploadId === null) {
        const meta = body.length > 0 ? (JSON.parse(body.toString()) as { name?: string; contentType?: string; metadata?: Record<string, string> }) : {};
        const name = query.get('name') ?? meta.name;
        if (!name) throw new HttpError(400, 'resumable upload without a name');
        this.checkPreconditions(this.bucket(bucketName).get(name), query);
        const id = randomUUID();
        this.sessions.set(id, { bucket: bucketName, name, contentType: meta.contentType ?? 'application/octet-stream', ...(meta.metadata ? { metadata: meta.metadata } : {}), query, received: [], size: 0 });
        const location = `${this.url}/upload/storage/v1/b/${encodeURIComponent(bucketName)}/o?uploadType=resumable&upload_id=${id}`;
        return this.json(response, 200, {}, { location });
      }
      return this.resume(response, uploadId, request.headers['content-range'], body);
    }
    throw new HttpError(400, `unsupported uploadType ${uploadType}`);
  }

  private resume(response: ServerResponse, uploadId: string, contentRange: string | undefined, body: Buffer): void {
    const session = this.sessions.get(uploadId);
    if (!session) throw new HttpError(404, 'no such upload session', 'notFound');
    // "bytes a-b/total", "bytes a-b/*" (more to come) or "bytes */total" (a status query).
    const range = /^bytes (\*|(\d+)-(\d+))\/(\*|\d+)$/.exec(contentRange ?? '');
    if (range && range[1] !== '*') {
      const first = Number(range[2]);
      if (first !== session.size) throw new HttpError(400, `upload chunk starts at ${first}, expected ${session.size}`);
      session.received.push(body);
      session.size += body.length;
    } else if (!range && body.length > 0) {
      session.received.push(body);
      session.size += body.length;
    }
    const total = range?.[4];
    const complete = !range || (total !== undefined && total !== '*' && Number(total) === session.size);
    if (!complete) {
      response.writeHead(308, session.size > 0 ? { range: `bytes=0-${session.size - 1}` } : {});
      response.end();
      return;
    }
    this.sessions.delete(uploadId);
    this.write(response, session.bucket, session.name, Buffer.concat(session.received), session.contentType, session.metadata, session.query);
  }

  /** Each bucket's names in order, rebuilt after a write: listing a million objects stays cheap. */
  private readonly sortedNames = new Map<string, { size: number; generations: number; names: string[] }>();

  private namesOf(bucketName: string): string[] {
    const bucket = this.bucket(bucketName);
    const cached = this.sortedNames.get(bucketName);
    if (cached && cached.size === bucket.size && cached.generations === this.generations) return cached.names;
    const names = [...bucket.keys()].sort();
    this.sortedNames.set(bucketName, { size: bucket.size, generations: this.generations, names });
    return names;
  }

  private list(response: ServerResponse, bucketName: string, query: URLSearchParams): void {
    const prefix = query.get('prefix') ?? '';
    const startOffset = query.get('startOffset');
    const endOffset = query.get('endOffset');
    const pageToken = query.get('pageToken');
    const maxResults = Math.min(Number(query.get('maxResults') ?? Infinity), this.options.pageSize ?? 1000);
    const names = this.namesOf(bucketName);
    const namesOnly = /items\(name\)/.test(query.get('fields') ?? '');
    const after = pageToken === null ? undefined : Buffer.from(pageToken, 'base64url').toString();
    const from = [prefix, startOffset ?? ''].reduce((a, b) => (a > b ? a : b));
    // The first name at or after both the prefix and the offset, and past the page token.
    let low = 0;
    let high = names.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const name = names[middle] as string;
      if (name < from || (after !== undefined && name <= after)) low = middle + 1;
      else high = middle;
    }
    const page: string[] = [];
    let more = false;
    for (let i = low; i < names.length; i++) {
      const name = names[i] as string;
      if (!name.startsWith(prefix) || (endOffset !== null && name >= endOffset)) break;
      if (page.length === maxResults) {
        more = true;
        break;
      }
      page.push(name);
    }
    const last = page[page.length - 1];
    this.json(response, 200, {
      kind: 'storage#objects',
      // A partial response, as GCS gives one for fields=items(name),...
      items: page.map((name) => (namesOnly ? { name } : objectResource(this.bucket(bucketName).get(name) as StoredObject))),
      ...(more && last !== undefined ? { nextPageToken: Buffer.from(last).toString('base64url') } : {}),
    });
  }
}

/** Starts a server with the given buckets. */
export async function startGcsServer(buckets: string[] = [], options: GcsServerOptions = {}): Promise<GcsServer> {
  const server = await new GcsServer(options).start();
  for (const bucket of buckets) server.createBucket(bucket);
  return server;
}
