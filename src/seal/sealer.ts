/**
 * Seals the originals of redacted spans so that only an auditor holding the private key can
 * read them (compact JWE). The recorder seals off the hot path.
 */
export interface Sealer {
  /** The key id of the public key, recorded beside each sealed value. */
  readonly keyId: string;
  seal(plaintext: string): Promise<string>;
}
