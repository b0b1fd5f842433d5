import { chmod, link, mkdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { JWK } from 'jose';
import { DevIssuer, generateDevIssuerJwk } from './dev-issuer.ts';

/**
 * The only file-system code of src/identity: the development issuer's private key, kept in
 * <dataDir>/dev-issuer/ so that tokens from `scribe dev-token` survive gateway restarts.
 */
export async function openDevIssuer(dataDir: string): Promise<DevIssuer> {
  const directory = join(dataDir, 'dev-issuer');
  const keyFile = join(directory, 'signing-key.jwk.json');
  return DevIssuer.fromPrivateJwk(await loadOrCreateKey(directory, keyFile), keyFile);
}

async function loadOrCreateKey(directory: string, keyFile: string): Promise<JWK> {
  const existing = await readKey(keyFile);
  if (existing !== undefined) return existing;
  await mkdir(directory, { recursive: true, mode: 0o700 });
  // Written beside, then linked into place: link fails if the gateway and `scribe dev-token`
  // raced to create the key, and the loser simply reads the winner's key.
  const draft = `${keyFile}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(draft, `${JSON.stringify(await generateDevIssuerJwk())}\n`, { mode: 0o600, flag: 'wx' });
  try {
    await link(draft, keyFile);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await unlink(draft).catch(() => {});
  }
  const key = await readKey(keyFile);
  if (key === undefined) throw new Error(`The development issuer key ${keyFile} could not be created`);
  return key;
}

async function readKey(keyFile: string): Promise<JWK | undefined> {
  let text: string;
  try {
    text = await readFile(keyFile, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  // A private key others can read is no longer private; tighten it rather than trust it less.
  if (process.platform !== 'win32' && ((await stat(keyFile)).mode & 0o077) !== 0) await chmod(keyFile, 0o600);
  const jwk = JSON.parse(text) as JWK;
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || typeof jwk.d !== 'string' || typeof jwk.kid !== 'string') {
    throw new Error(`The development issuer key ${keyFile} is not an ES256 private JWK with a kid; delete it to make a new one`);
  }
  return jwk;
}
