/**
 * An ExchangeFilter as a SQL condition over the cache's exchanges table. Globs (* and ?) use
 * SQLite's GLOB; subjects and emails match without regard to case.
 */
import type { ExchangeFilter } from './types.ts';

export interface SqlCondition {
  where: string;
  params: unknown[];
}

export function filterCondition(filter: ExchangeFilter): SqlCondition {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const add = (clause: string, ...values: unknown[]) => {
    clauses.push(clause);
    params.push(...values);
  };
  const onePerson = filter.subject !== undefined && !/[*?[]/.test(filter.subject);
  // For one person the subject and email indexes are far narrower than a time range: the unary
  // plus keeps SQLite from scanning the range instead.
  const start = onePerson ? '+start' : 'start';
  if (filter.since !== undefined) add(`${start} >= ?`, filter.since);
  if (filter.until !== undefined) add(`${start} <= ?`, filter.until);
  if (filter.subject && onePerson) {
    // One person: answered from the subject and email indexes, not by reading every exchange.
    add('(subject = ? COLLATE NOCASE OR email = ? COLLATE NOCASE)', filter.subject, filter.subject);
  } else if (filter.subject) {
    add('(lower(subject) GLOB ? OR lower(email) GLOB ?)', filter.subject.toLowerCase(), filter.subject.toLowerCase());
  }
  if (filter.issuer) add('issuer GLOB ?', filter.issuer);
  if (filter.group) add('EXISTS (SELECT 1 FROM json_each(groups) WHERE value GLOB ?)', filter.group);
  if (filter.connection) add('connection GLOB ?', filter.connection);
  if (filter.model) add('model GLOB ?', filter.model);
  if (filter.outcome) add('outcome = ?', filter.outcome);
  if (filter.finding === '*') add('nfindings > 0');
  else if (filter.finding) add('EXISTS (SELECT 1 FROM json_each(findings) WHERE value GLOB ?)', filter.finding);
  if (filter.session) add('session = ?', filter.session);
  if (filter.exchange) add('id = ?', filter.exchange);
  return { where: clauses.length > 0 ? clauses.join(' AND ') : '1', params };
}
