import type { Identity } from '../../src/identity/identity.ts';

/** An identity as the authenticator would produce it, with claims consistent with its fields. */
export function identity(fields: Partial<Identity> & { claims?: Record<string, unknown> } = {}): Identity {
  const issuer = fields.issuer ?? 'https://accounts.google.com';
  const subject = fields.subject ?? '1234567890';
  const groups = fields.groups ?? [];
  const claims: Record<string, unknown> = { iss: issuer, sub: subject, groups, ...fields.claims };
  if (fields.email !== undefined) claims.email = fields.email;
  return { issuer, subject, groups, claims, ...(fields.email !== undefined ? { email: fields.email } : {}) };
}
