/**
 * The sessions page's filters, sort and page as URL query parameters, so every view can be
 * bookmarked and shared: parsed into the audit layer's ExchangeFilter and written back as links.
 */
import type { ExchangeFilter, SessionSort } from '../audit/types.ts';
import { parseTime } from '../cli/store-options.ts';

export const filterFields = ['since', 'until', 'subject', 'issuer', 'group', 'connection', 'model', 'outcome', 'finding', 'session', 'exchange', 'text'] as const;
export type FilterField = (typeof filterFields)[number];
export type QueryValues = Partial<Record<FilterField | 'sort' | 'order' | 'cursor' | 'limit', string>>;

const sorts: readonly SessionSort[] = ['last', 'first', 'exchanges', 'tokens', 'who'];

export interface SessionsQuery {
  values: QueryValues;
  filter: ExchangeFilter;
  sort: SessionSort;
  order: 'asc' | 'desc';
  cursor?: string;
  limit: number;
  /** Problems with the given values, shown above the table (the value is then ignored). */
  problems: string[];
}

export function parseSessionsQuery(query: Record<string, string>): SessionsQuery {
  const values: QueryValues = {};
  for (const key of [...filterFields, 'sort', 'order', 'cursor', 'limit'] as const) {
    const value = query[key]?.trim();
    if (value) values[key] = value.slice(0, 500);
  }
  const filter: ExchangeFilter = {};
  const problems: string[] = [];
  for (const field of filterFields) {
    const value = values[field];
    if (value === undefined) continue;
    if (field === 'since' || field === 'until') {
      try {
        filter[field] = parseTime(value);
      } catch (error) {
        problems.push((error as Error).message);
      }
    } else filter[field] = value;
  }
  const sort = sorts.includes(values.sort as SessionSort) ? (values.sort as SessionSort) : 'last';
  const order = values.order === 'asc' || values.order === 'desc' ? values.order : sort === 'who' ? 'asc' : 'desc';
  const limit = Math.min(Math.max(Number(values.limit) || 50, 1), 500);
  return { values, filter, sort, order, limit, problems, ...(values.cursor ? { cursor: values.cursor } : {}) };
}

/** The sessions URL for these values with some changed (undefined removes one). */
export function sessionsUrl(values: QueryValues, changes: QueryValues = {}): string {
  const merged: Record<string, string> = {};
  for (const [key, value] of Object.entries({ ...values, ...changes })) if (value !== undefined && value !== '') merged[key] = value;
  const query = new URLSearchParams(merged).toString();
  return query ? `/?${query}` : '/';
}
