#!/usr/bin/env node
// The `scribe` command on Node. The TypeScript sources run as they are, with no build step:
// esbuild compiles them once into node_modules/.cache, split so that a command loads only its
// own modules, and again whenever a source changes. Starting tsx's loader costs about 0.35 s a
// run, which an auditor's quick questions would otherwise pay every time. Where the cache
// cannot be written (a read-only install), and for `ui`, whose assets are found relative to
// its own source files, tsx runs the sources directly.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const src = join(here, '..');
const argv = process.argv.slice(2);

/** A stamp of every source file's path, size and time: any edit makes a new one. */
function sourceStamp() {
  const hash = createHash('sha256');
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) {
        const info = statSync(path);
        hash.update(`${path}\0${info.size}\0${info.mtimeMs}\n`);
      }
    }
  };
  walk(src);
  hash.update(process.version);
  // This file decides what the bundle holds (its entry points): a change to it makes a new one too.
  hash.update(readFileSync(fileURLToPath(import.meta.url)));
  return hash.digest('hex').slice(0, 16);
}

async function compiled() {
  const cache = join(src, '..', 'node_modules', '.cache', 'scribe-cli');
  const target = join(cache, sourceStamp());
  if (existsSync(join(target, 'main.js'))) return join(target, 'main.js');
  const { buildSync } = await import('esbuild');
  const temp = `${target}.tmp-${process.pid}`;
  mkdirSync(cache, { recursive: true });
  // The record worker is an entry point of its own: the recorder starts it beside the chunk it is in.
  buildSync({ entryPoints: { main: join(here, 'main.ts'), 'record-worker': join(src, 'record', 'record-worker.ts') }, bundle: true, splitting: true, format: 'esm', platform: 'node', target: 'node20', packages: 'external', outdir: temp, logLevel: 'silent' });
  try {
    renameSync(temp, target);
  } catch {
    rmSync(temp, { recursive: true, force: true }); // another run got there first
  }
  for (const old of readdirSync(cache)) if (join(cache, old) !== target && !old.includes('.tmp-')) rmSync(join(cache, old), { recursive: true, force: true });
  return join(target, 'main.js');
}

let main;
if (argv[0] !== 'ui' && !process.env.SCRIBE_CLI_TSX) {
  try {
    ({ main } = await import(pathToFileURL(await compiled()).href));
  } catch {
    main = undefined;
  }
}
if (!main) {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('./main.ts'));
}
process.exitCode = await main(argv);
