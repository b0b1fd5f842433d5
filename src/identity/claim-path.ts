/**
 * Reads a claim by dotted path, e.g. "realm_access.roles" in Keycloak tokens. A key that
 * itself holds dots (some providers use URL-shaped claim names such as
 * "https://example.com/groups") is tried whole first, so such claims stay reachable.
 */
export function readClaim(claims: Record<string, unknown>, path: string): unknown {
  if (Object.hasOwn(claims, path)) return claims[path];
  let value: unknown = claims;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    if (!Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}
