/**
 * The Cloud Storage sink, through @google-cloud/storage. Uploads are single requests with
 * ifGenerationMatch: 0, so an object is created once and never replaced. The client's own
 * retries are off: the uploader retries with backoff and knows what a 412 after a retry means.
 */
import { createHash } from 'node:crypto';
import { Storage, type Bucket } from '@google-cloud/storage';
import type { ListRange, Sink } from './sink.ts';
import { describeStoreError, StoreAccessError } from './store-errors.ts';

function statusOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'number' ? code : undefined;
}

export class GcsSink implements Sink {
  private readonly bucket: Bucket;
  private readonly prefix: string;

  constructor(readonly url: string, endpoint?: string) {
    const match = /^gs:\/\/([^/]+)\/?(.*)$/.exec(url);
    if (!match) throw new Error(`invalid store ${url}: expected gs://<bucket>/<prefix>`);
    const [, bucketName, path] = match as unknown as [string, string, string];
    this.prefix = path && !path.endsWith('/') ? `${path}/` : path;
    const storage = new Storage({
      // A custom endpoint (tests, emulators) needs no credentials; the client sends none to it.
      ...(endpoint ? { apiEndpoint: endpoint, projectId: 'scribe' } : {}),
      retryOptions: { autoRetry: false },
    });
    this.bucket = storage.bucket(bucketName);
  }

  async create(name: string, bytes: Uint8Array): Promise<'created' | 'exists'> {
    try {
      await this.bucket.file(this.prefix + name).save(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
        resumable: false,
        validation: 'md5',
        contentType: 'application/gzip',
        preconditionOpts: { ifGenerationMatch: 0 },
      });
      return 'created';
    } catch (error) {
      if (statusOf(error) === 412) return 'exists';
      throw error;
    }
  }

  async holds(name: string, bytes: Uint8Array): Promise<boolean> {
    const [metadata] = await this.bucket.file(this.prefix + name).getMetadata();
    return metadata.md5Hash === createHash('md5').update(bytes).digest('base64');
  }

  async read(name: string): Promise<Uint8Array> {
    const [contents] = await this.bucket.file(this.prefix + name).download();
    return new Uint8Array(contents);
  }

  async probe(): Promise<void> {
    try {
      const [exists] = await this.bucket.exists();
      if (!exists) throw new StoreAccessError(`no such bucket: ${this.url} (bucket ${this.bucket.name} does not exist)`, 'missing');
    } catch (error) {
      throw describeStoreError(error, this.url);
    }
  }

  async list(prefix: string, range: ListRange = {}): Promise<string[]> {
    const [files] = await this.bucket.getFiles({
      prefix: this.prefix + prefix,
      autoPaginate: true,
      // Names only: a listing of a month of batches would otherwise hold every object's metadata.
      fields: 'items(name),nextPageToken',
      ...(range.startOffset !== undefined ? { startOffset: this.prefix + range.startOffset } : {}),
      ...(range.endOffset !== undefined ? { endOffset: this.prefix + range.endOffset } : {}),
    });
    // With `fields`, the client returns the listed items as they came ({ name }), not File objects.
    return (files as unknown as { name: string }[]).map((f) => f.name.slice(this.prefix.length)).sort();
  }
}
