/**
 * The test GCS server (tests/support/gcs-server.ts), preloaded with a file store's objects, in
 * its own process: `node --import tsx bench/audit/gcs-preloaded.ts <store dir> <bucket>/<prefix>`
 * prints the server's URL once every object is listed, and serves until killed. Objects are read
 * from the store's files when downloaded, as Cloud Storage serves them from disk: a store of a
 * million exchanges (several GB) fits in this process's memory as names alone.
 */
import { readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { startGcsServer } from '../../tests/support/gcs-server.ts';

const [dir, target] = process.argv.slice(2) as [string, string];
const [bucket, ...rest] = target.split('/');
const prefix = rest.length > 0 && rest.join('/') !== '' ? `${rest.join('/')}/` : '';
const server = await startGcsServer([bucket as string]);
const objects = server.objects(bucket as string);
let generation = 1;
const created = new Date().toISOString();
let listed = 0;
async function load(path: string): Promise<void> {
  for (const entry of await readdir(path, { withFileTypes: true })) {
    const full = join(path, entry.name);
    if (entry.isDirectory()) await load(full);
    else {
      if (++listed % 100_000 === 0) process.stderr.write(`gcs-preloaded: ${listed} objects\n`);
      const name = prefix + relative(dir, full).split(sep).join('/');
      objects.set(name, {
        name,
        bucket: bucket as string,
        generation: generation++,
        metageneration: 1,
        contentType: 'application/gzip',
        get data() {
          return readFileSync(full);
        },
        created,
      });
    }
  }
}
await load(dir);
process.stdout.write(`${server.url}\n`);
