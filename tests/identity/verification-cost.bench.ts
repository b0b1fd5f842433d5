/**
 * Micro-benchmark of the per-request cost of authentication (not a test: no thresholds).
 *   node --import tsx tests/identity/verification-cost.bench.ts
 * Prints µs per authenticate() call for a repeated token (verified-token cache hit) and for
 * fresh verification (cache off) with RS256 and ES256, keys already fetched.
 */
import { identityConfigSchema } from '../../src/identity/config.ts';
import { createAuthenticator } from '../../src/identity/index.ts';
import { startOidcIssuer } from '../support/oidc-issuer.ts';

const idp = await startOidcIssuer();
try {
  const build = async (verifiedTokenCacheSize: number) =>
    (
      await createAuthenticator(
        identityConfigSchema.parse({ issuers: [{ issuer: idp.issuer, audience: idp.audience }], verifiedTokenCacheSize }),
        { dataDir: '/nonexistent' },
      )
    ).authenticator;
  const cached = await build(10_000);
  const uncached = await build(0);
  const claims = { email: 'ada@example.com', groups: ['eng', 'ml'], name: 'Ada Lovelace' };
  const tokens = { RS256: await idp.sign(claims, { alg: 'RS256' }), ES256: await idp.sign(claims, { alg: 'ES256' }) };

  async function measure(label: string, run: () => Promise<unknown>, iterations: number): Promise<void> {
    for (let i = 0; i < Math.min(1000, iterations); i++) await run(); // warm up JIT and key import
    const start = performance.now();
    for (let i = 0; i < iterations; i++) await run();
    const micros = ((performance.now() - start) * 1000) / iterations;
    console.log(`${label.padEnd(44)} ${micros.toFixed(1).padStart(8)} µs/call`);
  }

  for (const alg of ['RS256', 'ES256'] as const) {
    const headers = new Headers({ authorization: `Bearer ${tokens[alg]}` });
    await measure(`${alg} uncached (full verification)`, () => uncached.authenticate(headers), 3000);
    await measure(`${alg} cached (verified-token cache hit)`, () => cached.authenticate(headers), 100_000);
  }
} finally {
  await idp.close();
}
