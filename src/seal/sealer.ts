/**
 * Seals the originals of redacted spans so that only an auditor holding the private key can
 * read them (compact JWE). The recorder seals off the hot path.
 */
import type { JWK } from 'jose';

export interface Sealer {
  /** The key id of the public key, recorded beside each sealed value. */
  readonly keyId: string;
  /** The public key it seals to, when known: the record worker makes its own sealer from it. */
  readonly publicJwk?: JWK;
  seal(plaintext: string): Promise<string>;
}
