/** Sealing redacted originals for auditors: load the public key, seal; open with the private key. */
import type { JWK } from 'jose';
import { createSealer } from './jwe.ts';
import type { Sealer } from './sealer.ts';

export type { Sealer } from './sealer.ts';
export { createSealer, openSealed } from './jwe.ts';

/**
 * Reads a public JWK file (SCRIBE_SEAL_KEY). File access goes through node:fs/promises, which
 * Node, Bun and Deno all provide; it is imported only here, when a key is configured.
 */
export async function loadSealer(publicJwkPath: string): Promise<Sealer> {
  const { readFile } = await import('node:fs/promises');
  let jwk: JWK;
  try {
    jwk = JSON.parse(await readFile(publicJwkPath, 'utf8')) as JWK;
  } catch (error) {
    throw new Error(`seal key ${publicJwkPath}: ${(error as Error).message}`);
  }
  return createSealer(jwk);
}

