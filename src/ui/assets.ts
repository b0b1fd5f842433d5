/**
 * The viewer's static files, all served from this machine: its stylesheet and script, and
 * jose's browser build (from node_modules) for revealing sealed originals in the page.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const own = join(import.meta.dirname, 'assets');
const joseRoot = dirname(createRequire(import.meta.url).resolve('jose'));
const types: Record<string, string> = { css: 'text/css; charset=utf-8', js: 'text/javascript; charset=utf-8' };
const cache = new Map<string, Promise<Uint8Array | undefined>>();

/** The file for an /assets/ path, or undefined. Only plain relative names: no "..", no odd characters. */
export function asset(path: string): Promise<{ bytes: Uint8Array; type: string } | undefined> | undefined {
  const match = /^\/assets\/((?:[A-Za-z0-9_-]+\/)*[A-Za-z0-9_.-]+\.(css|js))$/.exec(path);
  if (!match || match[1]!.includes('..')) return undefined;
  const relative = match[1]!;
  const file = relative.startsWith('jose/') ? join(joseRoot, relative.slice('jose/'.length)) : relative.includes('/') ? undefined : join(own, relative);
  if (!file) return undefined;
  let bytes = cache.get(file);
  if (!bytes) {
    bytes = readFile(file).then((b) => new Uint8Array(b), () => undefined);
    cache.set(file, bytes);
  }
  return bytes.then((b) => (b ? { bytes: b, type: types[match[2]!]! } : undefined));
}
