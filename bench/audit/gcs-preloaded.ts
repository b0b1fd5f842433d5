/**
 * The test GCS server (tests/support/gcs-server.ts), preloaded with a file store's objects, in
 * its own process: `node --import tsx bench/audit/gcs-preloaded.ts <store dir> <bucket>/<prefix>`
 * prints the server's URL once every object is loaded, and serves until killed.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { startGcsServer } from '../../tests/support/gcs-server.ts';

const [dir, target] = process.argv.slice(2) as [string, string];
const [bucket, ...rest] = target.split('/');
const prefix = rest.length > 0 && rest.join('/') !== '' ? `${rest.join('/')}/` : '';
const server = await startGcsServer([bucket as string]);
const objects = server.objects(bucket as string);
let generation = 1;
async function load(path: string): Promise<void> {
  for (const entry of await readdir(path, { withFileTypes: true })) {
    const full = join(path, entry.name);
    if (entry.isDirectory()) await load(full);
    else {
      const name = prefix + relative(dir, full).split(sep).join('/');
      objects.set(name, { name, bucket: bucket as string, generation: generation++, metageneration: 1, contentType: 'application/gzip', data: await readFile(full), created: new Date().toISOString() });
    }
  }
}
await load(dir);
process.stdout.write(`${server.url}\n`);
