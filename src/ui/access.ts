/**
 * Who may use the viewer. With no identity provider configured the viewer serves loopback
 * only and asks nobody to sign in. With one, every request needs a verified identity, from a
 * bearer ID token or, behind Google IAP, IAP's signed header, and a policy rule granting the
 * audit permission. Refusals are Anthropic-shaped JSON, or a page for browsers, and are
 * reported so that attempts are recorded too.
 */
import type { Context, Hono, MiddlewareHandler } from 'hono';
import { GatewayError, errorBody } from '../http/errors.ts';
import { issuerSchema } from '../identity/config.ts';
import type { Authenticator, Identity } from '../identity/identity.ts';
import { IssuerVerifier } from '../identity/issuer-verifier.ts';
import { RemoteKeySet } from '../identity/remote-key-set.ts';
import { TokenAuthenticator } from '../identity/token-authenticator.ts';
import { messagePage } from './pages/layout.ts';
import { cookieToken, registerSignIn } from './sign-in.ts';

export const IAP_ISSUER = 'https://cloud.google.com/iap';
export const IAP_HEADER = 'x-goog-iap-jwt-assertion';
const IAP_KEYS = 'https://www.gstatic.com/iap/verify/public_key-jwk';

export interface Viewer {
  /** null when no identity provider is configured (a local user on loopback). */
  identity: Identity | null;
  /** The policy rule that granted the audit permission. */
  rule: string | null;
  label: string;
  /** Signed in from a browser with a token kept in the viewer's cookie (so it can sign out). */
  viaCookie?: boolean;
}

export interface AccessOptions {
  /** Verifies bearer ID tokens from the configured issuers. */
  bearer?: Authenticator;
  /** Verifies IAP's signed header. */
  iap?: Authenticator;
  /** The rule granting the audit permission to an identity, if any. */
  grant: (identity: Identity) => string | undefined;
  /** Told of every refused request: who it was, when known (a 403), and the status. */
  refused?: (refusal: { identity: Identity | null; status: number }, c: Context) => void;
}

export type ViewerEnv = { Variables: { viewer: Viewer } };

/** An authenticator for the header Google IAP adds (ES256, issuer https://cloud.google.com/iap). */
export async function iapAuthenticator(options: { audience: string; jwksUri?: string; fetch?: typeof fetch }): Promise<Authenticator> {
  const jwksUri = options.jwksUri ?? IAP_KEYS;
  const config = issuerSchema.parse({ issuer: IAP_ISSUER, audience: options.audience, jwksUri, algorithms: ['ES256'] });
  const keys = new RemoteKeySet({ issuer: IAP_ISSUER, jwksUri, fetch: options.fetch ?? globalThis.fetch, maxAgeMs: 600_000, refetchCooldownMs: 30_000, timeoutMs: 2000 });
  await keys.warm();
  const tokens = new TokenAuthenticator([new IssuerVerifier(config, keys.getKey)], { maxTokenBytes: 16 * 1024, verifiedTokenCacheSize: 1000 });
  return {
    authenticate: (headers) => tokens.authenticate(new Headers({ authorization: `Bearer ${headers.get(IAP_HEADER) ?? ''}` })),
  };
}

function refusal(c: Context, error: GatewayError, signIn = false): Response | Promise<Response> {
  const headers: Record<string, string> = { ...error.headers, 'cache-control': 'no-store' };
  if (error.status === 401) headers['www-authenticate'] = 'Bearer';
  if ((c.req.header('accept') ?? '').includes('text/html')) {
    const title = error.status === 401 ? 'Sign-in needed' : error.status === 403 ? 'Not allowed' : 'Unavailable';
    const link = signIn && error.status !== 503 ? { href: '/sign-in', label: error.status === 401 ? 'Sign in with an ID token' : 'Sign in as someone else' } : undefined;
    return c.html(messagePage(title, error.message, link), error.status as 401, headers);
  }
  return new Response(errorBody(error.type, error.message), { status: error.status, headers: { ...headers, 'content-type': 'application/json' } });
}

type Checked = { viewer: Viewer } | { refused: GatewayError; identity: Identity | null };

/** Who the request is from and whether the policy grants them audit. */
async function check(options: AccessOptions, c: Context, cookie: string | undefined): Promise<Checked> {
  let identity: Identity;
  try {
    const viaIap = options.iap !== undefined && c.req.header(IAP_HEADER) !== undefined;
    const authenticator = viaIap ? options.iap : options.bearer;
    if (!authenticator) throw new GatewayError(401, 'authentication_error', `No credentials: this viewer is behind Google IAP and needs its ${IAP_HEADER} header.`);
    const headers = cookie !== undefined && !viaIap ? new Headers({ authorization: `Bearer ${cookie}` }) : c.req.raw.headers;
    identity = await authenticator.authenticate(headers);
  } catch (error) {
    if (!(error instanceof GatewayError)) throw error;
    return { refused: error, identity: null };
  }
  const rule = options.grant(identity);
  if (rule === undefined) {
    return {
      refused: new GatewayError(403, 'permission_error', 'Permission denied: no policy rule grants you the audit permission. Missing: a rule with "audit: true" that matches you.'),
      identity,
    };
  }
  return { viewer: { identity, rule, label: identity.email ?? identity.subject, ...(cookie !== undefined ? { viaCookie: true } : {}) } };
}

/** Requests a browser may make before it has signed in. */
const beforeSignIn = (c: Context) => (c.req.path === '/sign-in' && (c.req.method === 'GET' || c.req.method === 'POST')) || (c.req.path === '/sign-out' && c.req.method === 'POST') || c.req.path === '/assets/viewer.css';

/**
 * The viewer's access check, for every request. With bearer tokens accepted, it also registers
 * on `app` the browser sign-in routes (src/ui/sign-in.ts), which it lets through unchecked.
 */
export function requireAuditor(options: AccessOptions, app?: Hono<ViewerEnv>): MiddlewareHandler<ViewerEnv> {
  const open = options.bearer === undefined && options.iap === undefined;
  const signIn = options.bearer !== undefined;
  const refuse = (c: Context, checked: { refused: GatewayError; identity: Identity | null }) => {
    options.refused?.({ identity: checked.identity, status: checked.refused.status }, c);
    return refusal(c, checked.refused, signIn);
  };
  if (app && signIn) {
    registerSignIn(app, async (c, token) => {
      const checked = await check(options, c, token);
      return 'refused' in checked ? refuse(c, checked) : undefined;
    });
  }
  return async (c, next) => {
    if (open) {
      c.set('viewer', { identity: null, rule: null, label: 'local (loopback)' });
      return next();
    }
    if (signIn && beforeSignIn(c)) return next();
    // A bearer header wins over the cookie; without either, a browser is sent to sign in.
    const cookie = signIn && c.req.header('authorization') === undefined ? cookieToken(c) : undefined;
    const checked = await check(options, c, cookie);
    if ('refused' in checked) return refuse(c, checked);
    c.set('viewer', checked.viewer);
    return next();
  };
}
