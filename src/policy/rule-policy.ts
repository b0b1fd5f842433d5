import type { Identity } from '../identity/identity.ts';
import { GatewayError } from '../http/errors.ts';
import type { PolicyRule } from './config.ts';
import type { CallFacts, Grant, Policy } from './policy.ts';
import { compileGlobs, type Glob } from './glob.ts';
import { compileIdentityMatcher, matchedValue, type IdentityMatcher } from './identity-matcher.ts';
import { limitCheckFor, rateLimited, type Limits, type LimitVerdict } from './limits.ts';

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
  readonly #limits: Limits;

  /** Limits outlive a policy: a reload builds new rules over the same counts. */
  constructor(rules: readonly PolicyRule[], limits: Limits) {
    this.#rules = rules.map((rule) => ({
      rule,
      matchesCaller: compileIdentityMatcher(rule.match),
      allowsConnection: compileGlobs(rule.connections),
      allowsModel: compileGlobs(rule.models),
    }));
    this.#byName = new Map(rules.map((rule) => [rule.name, rule]));
    this.#limits = limits;
  }

  /** Synchronous when limits are counted in this process; a promise when they are shared. */
  authorize(identity: Identity, call: CallFacts): Grant | Promise<Grant> {
    const matching = this.#rules.filter((compiled) => compiled.matchesCaller(identity));
    const granting = matching.filter(
      ({ allowsConnection, allowsModel }) =>
        allowsConnection(call.connection) && (call.model === undefined || allowsModel(call.model)),
    );
    // A body without a model is for the upstream to refuse; it cannot reach a model policy denies.
    const fitting = granting.find(({ rule }) => !exceedsCap(call.maxTokens, rule.maxTokens));
    if (fitting === undefined) throw denial(call, matching, granting);
    const { rule } = fitting;
    if (rule.tokensPerMinute === undefined && rule.requestsPerMinute === undefined) return grantOf(rule, identity);
    const verdict = this.#limits.admit(limitCheckFor(rule, identity));
    if (verdict instanceof Promise) return verdict.then((settled) => admitted(rule, identity, settled));
    return admitted(rule, identity, verdict);
  }

  recordUsage(identity: Identity, grant: Grant, tokens: number): void {
    const rule = this.#byName.get(grant.rule);
    if (rule?.tokensPerMinute === undefined || !(tokens > 0)) return;
    this.#limits.spend(limitCheckFor(rule, identity).tokens!, tokens);
  }
}

function admitted(rule: PolicyRule, identity: Identity, verdict: LimitVerdict): Grant {
  if (verdict) throw rateLimited(rule, verdict);
  return grantOf(rule, identity);
}

function grantOf(rule: PolicyRule, identity: Identity): Grant {
  const grant: Grant = { rule: rule.name };
  if (rule.maxTokens !== undefined) grant.maxTokensCap = rule.maxTokens;
  const keys = Object.keys(rule.match);
  if (keys.length > 0) grant.claimsUsed = Object.fromEntries(keys.map((key) => [key, matchedValue(identity, key)]));
  return grant;
}

function exceedsCap(maxTokens: number | undefined, cap: number | undefined): boolean {
  return maxTokens !== undefined && cap !== undefined && maxTokens > cap;
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
