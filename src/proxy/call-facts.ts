import type { CallFacts } from '../policy/policy.ts';

/**
 * What policy needs to know of each distinct call a request makes. A batch makes many; its
 * requests that share model and max_tokens are one question for policy, so a large batch is
 * judged by what it asks for, not counted as thousands of requests against rate limits.
 */
export function callFacts(connection: string, path: string, json: unknown): CallFacts[] {
  if (!isObject(json)) return [{ connection, path }];
  const requests = json.requests;
  if (path === '/v1/messages/batches' && Array.isArray(requests)) {
    const distinct = new Map<string, CallFacts>();
    for (const entry of requests) {
      const facts = factsOf(connection, path, isObject(entry) ? entry.params : undefined);
      distinct.set(`${facts.model}\u0000${facts.maxTokens}`, facts);
    }
    return distinct.size ? [...distinct.values()] : [{ connection, path }];
  }
  return [factsOf(connection, path, json)];
}

/** Whether the caller asked for a stream (it decides how errors before the first byte look). */
export function wantsStream(json: unknown): boolean {
  return isObject(json) && json.stream === true;
}

function factsOf(connection: string, path: string, params: unknown): CallFacts {
  const facts: CallFacts = { connection, path };
  if (!isObject(params)) return facts;
  if (typeof params.model === 'string') facts.model = params.model;
  if (typeof params.max_tokens === 'number') facts.maxTokens = params.max_tokens;
  return facts;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
