import { join } from 'node:path';
import type { JWK } from 'jose';
import { loadOrCreatePrivateJwk } from '../keys/private-jwk-file.ts';
import { DevIssuer, generateDevIssuerJwk } from './dev-issuer.ts';

/**
 * The only file-system code of src/identity: the development issuer's private key, kept in
 * <dataDir>/dev-issuer/ so that tokens from `scribe dev-token` survive gateway restarts.
 */
export async function openDevIssuer(dataDir: string): Promise<DevIssuer> {
  const keyFile = join(dataDir, 'dev-issuer', 'signing-key.jwk.json');
  const jwk: JWK | undefined = await loadOrCreatePrivateJwk(keyFile, generateDevIssuerJwk);
  if (jwk === undefined) throw new Error(`The development issuer key ${keyFile} could not be created`);
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || typeof jwk.d !== 'string' || typeof jwk.kid !== 'string') {
    throw new Error(`The development issuer key ${keyFile} is not an ES256 private JWK with a kid; delete it to make a new one`);
  }
  return DevIssuer.fromPrivateJwk(jwk, keyFile);
}
