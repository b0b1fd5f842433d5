/**
 * Sealing redacted originals as compact JWE (jose): encrypted to the auditor's public key,
 * so that the gateway, which holds only that public key, cannot read them back.
 * EC and X25519 keys use ECDH-ES+A256KW, RSA keys RSA-OAEP-256; content is A256GCM.
 */
import { CompactEncrypt, calculateJwkThumbprint, compactDecrypt, decodeProtectedHeader, importJWK, type JWK } from 'jose';
import type { Sealer } from './sealer.ts';

const CONTENT_ENCRYPTION = 'A256GCM';
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The key-management algorithm for a key type. */
export function algorithmFor(jwk: JWK): string {
  if (jwk.kty === 'RSA') return 'RSA-OAEP-256';
  if (jwk.kty === 'EC' || (jwk.kty === 'OKP' && jwk.crv === 'X25519')) return 'ECDH-ES+A256KW';
  throw new Error(`seal key: unsupported key type ${jwk.kty}${jwk.crv ? ` (${jwk.crv})` : ''}; use EC P-256/384/521, X25519 or RSA`);
}

export async function createSealer(publicJwk: JWK): Promise<Sealer> {
  if (publicJwk.d !== undefined) {
    throw new Error('seal key: this is a private key; the gateway must hold only the public half');
  }
  const alg = algorithmFor(publicJwk);
  const key = await importJWK(publicJwk, alg);
  const keyId = publicJwk.kid ?? (await calculateJwkThumbprint(publicJwk));
  return {
    keyId,
    publicJwk,
    async seal(plaintext: string): Promise<string> {
      return new CompactEncrypt(encoder.encode(plaintext))
        .setProtectedHeader({ alg, enc: CONTENT_ENCRYPTION, kid: keyId })
        .encrypt(key);
    },
  };
}

/** Opens one sealed original with the auditor's private key. */
export async function openSealed(privateJwk: JWK, jwe: string): Promise<string> {
  const header = decodeProtectedHeader(jwe);
  const alg = header.alg ?? algorithmFor(privateJwk);
  if (alg !== algorithmFor(privateJwk)) throw new Error(`sealed with ${alg}, which this key cannot open`);
  const key = await importJWK(privateJwk, alg);
  const { plaintext } = await compactDecrypt(jwe, key, { keyManagementAlgorithms: [alg], contentEncryptionAlgorithms: [CONTENT_ENCRYPTION] });
  return decoder.decode(plaintext);
}
