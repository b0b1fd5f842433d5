/**
 * Private JWK files the gateway keeps for itself (the development issuer's key, the checkpoint
 * signing key): created once, mode 0600, and safe when several processes race to create one.
 */
import { chmod, link, mkdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { JWK } from 'jose';

/** The key in `file`, or undefined when there is none. A file others can read is tightened to 0600. */
export async function readPrivateJwk(file: string): Promise<JWK | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  // A private key others can read is no longer private; tighten it rather than trust it less.
  if (process.platform !== 'win32' && ((await stat(file)).mode & 0o077) !== 0) await chmod(file, 0o600);
  return JSON.parse(text) as JWK;
}

/** The key in `file`, created with `generate` when there is none yet. */
export async function loadOrCreatePrivateJwk(file: string, generate: () => Promise<JWK>): Promise<JWK | undefined> {
  const existing = await readPrivateJwk(file);
  if (existing !== undefined) return existing;
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  // Written beside, then linked into place: link fails if another process raced to create the
  // key, and the loser simply reads the winner's key.
  const draft = `${file}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(draft, `${JSON.stringify(await generate())}\n`, { mode: 0o600, flag: 'wx' });
  try {
    await link(draft, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await unlink(draft).catch(() => {});
  }
  return readPrivateJwk(file);
}
