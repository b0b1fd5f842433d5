/** A caller whose token the gateway verified. Never holds the token itself. */
export interface Identity {
  issuer: string;
  subject: string;
  email?: string;
  groups: string[];
  /** The verified claims, minus anything token-like; policy matches on these. */
  claims: Record<string, unknown>;
}

/**
 * Verifies the caller of one request. Resolves to the identity, or rejects with a
 * GatewayError (401 authentication_error, 503 when no keys can be had).
 */
export interface Authenticator {
  authenticate(headers: Headers): Promise<Identity>;
  /** Trusted issuers whose signing keys the gateway does not hold (yet): /readyz waits for none. */
  issuersWithoutKeys?(): string[];
}
