import assert from 'node:assert/strict';
import { identityConfigSchema, type IdentityConfigInput } from '../../src/identity/config.ts';
import { createAuthenticator } from '../../src/identity/index.ts';
import type { Authenticator } from '../../src/identity/identity.ts';
import { GatewayError } from '../../src/http/errors.ts';
import type { OidcIssuer } from '../support/oidc-issuer.ts';

/**
 * An authenticator trusting one test issuer. Refetch cooldown is 0 unless a test is about the
 * cooldown, and JWKS fetches give up after 500 ms so 'slow' mode needs no long waits.
 */
export async function authenticatorTrusting(
  idp: OidcIssuer,
  overrides: Omit<NonNullable<IdentityConfigInput>, 'issuers'> & { issuer?: Record<string, unknown> } = {},
): Promise<Authenticator> {
  const { issuer, ...rest } = overrides;
  const config = identityConfigSchema.parse({
    issuers: [{ issuer: idp.issuer, audience: idp.audience, ...issuer }],
    jwks: { refetchCooldownSeconds: 0, timeoutMs: 500 },
    ...rest,
  });
  return (await createAuthenticator(config, { dataDir: '/nonexistent-no-dev-issuer' })).authenticator;
}

export function bearer(token: string): Headers {
  return new Headers({ authorization: `Bearer ${token}` });
}

/** The GatewayError a rejected authentication carries; fails the test if it was accepted. */
export async function rejection(attempt: Promise<unknown>): Promise<GatewayError> {
  try {
    await attempt;
  } catch (error) {
    assert.ok(error instanceof GatewayError, `expected a GatewayError, got ${String(error)}`);
    return error;
  }
  assert.fail('the token was accepted');
}

/** No part of the token (header, claims or signature segment) appears in the message. */
export function assertNoTokenIn(message: string, token: string): void {
  for (const part of [token, ...token.split('.').filter((segment) => segment.length >= 8)]) {
    assert.ok(!message.includes(part), `the message echoes the token: ${message}`);
  }
}
