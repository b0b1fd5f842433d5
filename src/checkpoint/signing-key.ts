/**
 * The key that signs chain checkpoints: a private JWK file named by SCRIBE_SIGNING_KEY (a
 * mounted secret, possibly shared by several replicas), or one generated on first start into
 * <dataDir>/checkpoint/ with mode 0600. Only its public half ever leaves this module.
 */
import { join } from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import { loadOrCreatePrivateJwk, readPrivateJwk } from '../keys/private-jwk-file.ts';

export type CheckpointAlgorithm = 'EdDSA' | 'ES256';

export interface SigningKey {
  privateKey: CryptoKey;
  /** The public JWK an auditor pins: served at /.well-known/scribe-checkpoint-key. */
  publicJwk: JWK;
  kid: string;
  alg: CheckpointAlgorithm;
  /** Where the private key lives, for messages. */
  file: string;
}

/** A signing key that cannot be used: start-up prints the message, not a stack. */
export class SigningKeyError extends Error {
  override name = 'SigningKeyError';
}

export function defaultSigningKeyFile(dataDir: string): string {
  return join(dataDir, 'checkpoint', 'signing-key.jwk.json');
}

function algorithmOf(jwk: JWK): CheckpointAlgorithm | undefined {
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return 'EdDSA';
  if (jwk.kty === 'EC' && jwk.crv === 'P-256') return 'ES256';
  return undefined;
}

/** The public half of a JWK (drops `d` should an auditor pass the private file by mistake). */
export async function publicHalf(jwk: JWK): Promise<JWK & { kid: string; alg: CheckpointAlgorithm }> {
  const alg = algorithmOf(jwk);
  if (!alg) throw new Error('not an Ed25519 (OKP) or P-256 (EC) JWK');
  const { kty, crv, x, y } = jwk;
  const base: JWK = { kty, crv, x, ...(y !== undefined ? { y } : {}) };
  const kid = typeof jwk.kid === 'string' ? jwk.kid : await calculateJwkThumbprint(base);
  return { ...base, kid, alg, use: 'sig' };
}

/** Loads the signing key: from `keyFile` when given (it must exist), else from the data dir, generating it once. */
export async function openSigningKey(options: { keyFile?: string | undefined; dataDir: string }): Promise<SigningKey> {
  const file = options.keyFile ?? defaultSigningKeyFile(options.dataDir);
  let jwk: JWK | undefined;
  try {
    jwk = options.keyFile !== undefined ? await readPrivateJwk(file) : await loadOrCreatePrivateJwk(file, generateKey);
  } catch (error) {
    const reason = error instanceof SyntaxError ? 'not JSON (a private JWK is expected)' : ((error as NodeJS.ErrnoException).code ?? (error as Error).message);
    throw new SigningKeyError(`cannot read the checkpoint signing key ${file}: ${reason}`);
  }
  if (jwk === undefined) {
    throw new SigningKeyError(options.keyFile !== undefined ? `SCRIBE_SIGNING_KEY names ${file}, which does not exist` : `The checkpoint signing key ${file} could not be created`);
  }
  const alg = algorithmOf(jwk);
  if (!alg || typeof jwk.d !== 'string') throw new SigningKeyError(`The checkpoint signing key ${file} is not an Ed25519 or P-256 private JWK`);
  const publicJwk = await publicHalf(jwk);
  const privateKey = (await importJWK({ ...jwk, alg }, alg)) as CryptoKey;
  return { privateKey, publicJwk, kid: publicJwk.kid, alg, file };
}

async function generateKey(): Promise<JWK> {
  const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const jwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint({ kty: jwk.kty, crv: jwk.crv, x: jwk.x } as JWK);
  return { ...jwk, kid, alg: 'EdDSA' };
}
