import { errors, jwtVerify, type JWTPayload, type JWTVerifyOptions } from 'jose';
import type { Identity } from './identity.ts';
import type { IssuerConfig } from './config.ts';
import type { KeySource } from './remote-key-set.ts';
import { identityFromClaims } from './identity-from-claims.ts';
import { explainRejection } from './rejections.ts';

/** A verified token: the caller and when the token stops being valid (epoch ms). */
export interface VerifiedToken {
  identity: Identity;
  expiresAtMs: number;
}

const hmacAlgorithms = new Set(['HS256', 'HS384', 'HS512']);

/**
 * Verifies tokens of one trusted issuer with jose: signature, algorithm, issuer, audience,
 * expiry and not-before, then maps the claims to an identity.
 */
export class IssuerVerifier {
  readonly issuer: string;
  readonly #audiences: string[];
  readonly #options: JWTVerifyOptions;
  readonly #keys: KeySource;
  readonly #hmacKey: Uint8Array | undefined;
  readonly #claimPaths: IssuerConfig['claims'];
  readonly #now: (() => number) | undefined;

  constructor(config: IssuerConfig, keys: KeySource, now?: () => number) {
    this.#now = now;
    this.issuer = config.issuer;
    this.#audiences = typeof config.audience === 'string' ? [config.audience] : config.audience;
    // "none" is never a signature, and an HMAC algorithm without a configured secret is how
    // the classic key-confusion attack (HS256 keyed with the RSA public key) gets in.
    const algorithms = config.algorithms.filter(
      (alg) => alg.toLowerCase() !== 'none' && (!hmacAlgorithms.has(alg) || config.hmacSecret !== undefined),
    );
    if (algorithms.length === 0) throw new Error(`Issuer ${config.issuer} has no usable algorithms configured`);
    this.#options = {
      issuer: config.issuer,
      audience: this.#audiences,
      algorithms,
      clockTolerance: config.clockToleranceSeconds,
      requiredClaims: ['exp'],
    };
    this.#keys = keys;
    this.#hmacKey = config.hmacSecret === undefined ? undefined : new TextEncoder().encode(config.hmacSecret);
    this.#claimPaths = config.claims;
  }

  async verify(token: string): Promise<VerifiedToken> {
    const options = this.#now === undefined ? this.#options : { ...this.#options, currentDate: new Date(this.#now()) };
    let payload: JWTPayload;
    try {
      payload = (await jwtVerify(token, this.#keyFor, options)).payload;
    } catch (error) {
      if (!(error instanceof errors.JWKSMultipleMatchingKeys)) throw explainRejection(error, this.issuer, this.#audiences);
      // Without a "kid" several keys can fit; jose hands them over to try one by one.
      payload = await this.#verifyWithEach(token, error, options);
    }
    const identity = identityFromClaims(this.issuer, payload, this.#claimPaths);
    return { identity, expiresAtMs: (payload.exp as number) * 1000 };
  }

  readonly #keyFor: KeySource = async (header, token) => {
    if (header.alg !== undefined && hmacAlgorithms.has(header.alg) && this.#hmacKey !== undefined) {
      return this.#hmacKey;
    }
    return this.#keys(header, token);
  };

  async #verifyWithEach(
    token: string,
    candidates: InstanceType<typeof errors.JWKSMultipleMatchingKeys>,
    options: JWTVerifyOptions,
  ): Promise<JWTPayload> {
    let lastError: unknown = candidates;
    for await (const key of candidates) {
      try {
        return (await jwtVerify(token, key, options)).payload;
      } catch (error) {
        lastError = error;
        if (!(error instanceof errors.JWSSignatureVerificationFailed)) break;
      }
    }
    throw explainRejection(lastError, this.issuer, this.#audiences);
  }
}
