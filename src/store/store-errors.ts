/**
 * Store failures in words. A reader pointed at a typo'd directory, a bucket that does not
 * exist or one it may not read gets one clear line, never a stack trace or a silent "empty".
 */

export class StoreAccessError extends Error {
  constructor(message: string, readonly kind: 'missing' | 'denied' | 'unreachable' | 'invalid') {
    super(message);
  }
}

function codeOf(error: unknown): string | number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' || typeof code === 'number' ? code : undefined;
}

/** Whether a read failed because the object is not there (as opposed to any other failure). */
export function isNotFound(error: unknown): boolean {
  const code = codeOf(error);
  return code === 'ENOENT' || code === 404;
}

/** Turns a store client's error into a StoreAccessError naming the store and what to do. */
export function describeStoreError(error: unknown, store: string): StoreAccessError {
  if (error instanceof StoreAccessError) return error;
  const code = codeOf(error);
  const message = (error as Error)?.message ?? String(error);
  if (code === 401 || code === 403 || code === 'EACCES' || code === 'EPERM') {
    return new StoreAccessError(`permission denied reading ${store}: ${message.split('\n')[0]} (the reader needs storage.objects.list and storage.objects.get, e.g. roles/storage.objectViewer)`, 'denied');
  }
  if (code === 404 || code === 'ENOENT') return new StoreAccessError(`no such store: ${store} (${message.split('\n')[0]})`, 'missing');
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ETIMEDOUT' || code === 'EAI_AGAIN') {
    return new StoreAccessError(`cannot reach ${store}: ${message.split('\n')[0]}`, 'unreachable');
  }
  return new StoreAccessError(`cannot read ${store}: ${message.split('\n')[0]}`, 'unreachable');
}
