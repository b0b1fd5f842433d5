import type { Identity } from '../identity/identity.ts';
import { GatewayError } from '../http/errors.ts';
import type { PolicyRule } from './config.ts';
import type { CallFacts, Grant, Policy } from './policy.ts';
import { compileGlobs, type Glob } from './glob.ts';
import { compileIdentityMatcher, matchedValue, type IdentityMatcher } from './identity-matcher.ts';
import { MinuteBuckets } from './minute-buckets.ts';

interface CompiledRule {
  rule: PolicyRule;
  matchesCaller: IdentityMatcher;
  allowsConnection: Glob;
  allowsModel: Glob;
}

/**
 * Rules in order; the first rule that matches the caller and grants the call decides, and its
 * rate limits apply. A call no rule grants is refused with a 403 that says which grant is
 * missing, in terms of the call (connection, model, max_tokens) and rule names, never the
 * caller's claims.
 */
export class RulePolicy implements Policy {
  readonly #rules: CompiledRule[];
  readonly #byName: Map<string, PolicyRule>;
  readonly #buckets: MinuteBuckets;

  constructor(rules: readonly PolicyRule[], options: { now?: () => number } = {}) {
    this.#rules = rules.map((rule) => ({
      rule,
      matchesCaller: compileIdentityMatcher(rule.match),
      allowsConnection: compileGlobs(rule.connections),
      allowsModel: compileGlobs(rule.models),
    }));
    this.#byName = new Map(rules.map((rule) => [rule.name, rule]));
    this.#buckets = new MinuteBuckets(options.now ? { now: options.now } : {});
  }

  authorize(identity: Identity, call: CallFacts): Grant {
    const matching = this.#rules.filter((compiled) => compiled.matchesCaller(identity));
    const granting = matching.filter(
      ({ allowsConnection, allowsModel }) =>
        allowsConnection(call.connection) && (call.model === undefined || allowsModel(call.model)),
    );
    // A body without a model is for the upstream to refuse; it cannot reach a model policy denies.
    const fitting = granting.find(({ rule }) => !exceedsCap(call.maxTokens, rule.maxTokens));
    if (fitting === undefined) throw denial(call, matching, granting);
    this.#enforceRateLimits(identity, fitting.rule);
    return grantOf(fitting.rule, identity);
  }

  recordUsage(identity: Identity, grant: Grant, tokens: number): void {
    const rule = this.#byName.get(grant.rule);
    if (rule?.tokensPerMinute === undefined || !(tokens > 0)) return;
    this.#buckets.spend(bucketKey('tokens', rule, identity), rule.tokensPerMinute, tokens);
  }

  #enforceRateLimits(identity: Identity, rule: PolicyRule): void {
    // Token debt is checked first and takes nothing, so a refused call never costs a request.
    if (rule.tokensPerMinute !== undefined) {
      const wait = this.#buckets.waitFor(bucketKey('tokens', rule, identity), rule.tokensPerMinute);
      if (wait > 0) throw rateLimited(rule, `${rule.tokensPerMinute} tokens per minute`, wait);
    }
    if (rule.requestsPerMinute !== undefined) {
      const wait = this.#buckets.take(bucketKey('requests', rule, identity), rule.requestsPerMinute);
      if (wait > 0) throw rateLimited(rule, `${rule.requestsPerMinute} requests per minute`, wait);
    }
  }
}

function grantOf(rule: PolicyRule, identity: Identity): Grant {
  const grant: Grant = { rule: rule.name };
  if (rule.maxTokens !== undefined) grant.maxTokensCap = rule.maxTokens;
  const keys = Object.keys(rule.match);
  if (keys.length > 0) grant.claimsUsed = Object.fromEntries(keys.map((key) => [key, matchedValue(identity, key)]));
  return grant;
}

// Limits are per caller (issuer and subject together) and per rule.
function bucketKey(kind: string, rule: PolicyRule, identity: Identity): string {
  return `${kind}\u0000${rule.name}\u0000${identity.issuer}\u0000${identity.subject}`;
}

function exceedsCap(maxTokens: number | undefined, cap: number | undefined): boolean {
  return maxTokens !== undefined && cap !== undefined && maxTokens > cap;
}

function rateLimited(rule: PolicyRule, limit: string, retryAfterSeconds: number): GatewayError {
  return new GatewayError(
    429,
    'rate_limit_error',
    `Rate limit reached: rule "${rule.name}" allows this caller ${limit}; retry in ${retryAfterSeconds} s.`,
    { 'retry-after': String(retryAfterSeconds) },
  );
}

function denial(call: CallFacts, matching: CompiledRule[], granting: CompiledRule[]): GatewayError {
  const connection = quoted(call.connection);
  const wanted = call.model === undefined ? `connection ${connection}` : `model ${quoted(call.model)} on connection ${connection}`;
  let message: string;
  if (matching.length === 0) {
    message = `no policy rule matches this caller. Missing: a rule that matches you and grants ${wanted}.`;
  } else if (granting.length > 0) {
    const caps = granting.map(({ rule }) => `"${rule.name}" (${rule.maxTokens})`).join(', ');
    message = `max_tokens ${call.maxTokens} is above what your rules allow: ${caps}. Lower max_tokens, or ask for a rule with a higher cap.`;
  } else {
    const names = matching.map(({ rule }) => `"${rule.name}"`).join(', ');
    const offered = matching
      .map(({ rule }) => `"${rule.name}": connections ${rule.connections.join(', ')}; models ${rule.models.join(', ')}`)
      .join(' / ');
    message = `no rule grants ${wanted} to this caller (rules matching you: ${names}; they grant ${offered}). Missing: a rule granting ${wanted}.`;
  }
  return new GatewayError(403, 'permission_error', `Permission denied: ${message}`);
}

// Connection and model come from the request; show them only when short and plain.
function quoted(value: string): string {
  return value.length <= 100 && /^[\x20-\x7e]*$/.test(value) ? JSON.stringify(value) : '(unprintable)';
}
