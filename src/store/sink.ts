/** Where batch files end up: a directory or a Cloud Storage bucket, behind one small interface. */

export interface ListRange {
  /** Only names at or after this one (lexicographically). */
  startOffset?: string;
  /** Only names before this one. */
  endOffset?: string;
}

export interface Sink {
  /** The store URL, for messages. */
  readonly url: string;
  /** Writes a new object; never replaces one. 'exists' when the name is already taken. */
  create(name: string, bytes: Uint8Array): Promise<'created' | 'exists'>;
  /** Whether the object stored under `name` has exactly these bytes. */
  holds(name: string, bytes: Uint8Array): Promise<boolean>;
  read(name: string): Promise<Uint8Array>;
  /** Names under `prefix`, sorted. */
  list(prefix: string, range?: ListRange): Promise<string[]>;
  /** Throws a StoreAccessError when the store does not exist or cannot be read. */
  probe(): Promise<void>;
}

/** Opens the sink a store URL names: file:<dir> or gs://<bucket>/<prefix>. */
export async function openSink(url: string, options: { gcsEndpoint?: string } = {}): Promise<Sink> {
  if (url.startsWith('file:')) {
    const { FileSink } = await import('./file-sink.ts');
    return new FileSink(url);
  }
  if (url.startsWith('gs://')) {
    const { GcsSink } = await import('./gcs-sink.ts');
    return new GcsSink(url, options.gcsEndpoint ?? process.env.SCRIBE_GCS_ENDPOINT);
  }
  throw new Error(`unsupported store ${url}: use file:<dir> or gs://<bucket>/<prefix>`);
}
