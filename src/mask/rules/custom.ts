/**
 * Rules an operator adds in config: keywords for the prefilter and a regular expression that
 * must match starting at the keyword. When the pattern has a capture group, only the group is
 * redacted (it must begin at or after the keyword).
 *
 * A regular expression cannot say whether more text would change its answer, so a custom rule
 * decides on a fixed window after the keyword: the same window whether the text arrives whole
 * or in pieces, at the cost of holding that window back while it fills.
 */
import { entropy } from '../entropy.ts';
import { ANYWHERE, type Rule } from './rule.ts';

/** The window a custom rule decides on; at most half the hold-back cap, so the cap never cuts it. */
export const CUSTOM_RULE_WINDOW = 256;

export interface CustomRuleConfig {
  id: string;
  keywords: string[];
  pattern: string;
  minEntropy?: number | undefined;
}

export function customRule(config: CustomRuleConfig, holdbackCap = Infinity): Rule {
  const pattern = new RegExp(config.pattern, 'yd');
  const window = Math.min(CUSTOM_RULE_WINDOW, Math.floor(holdbackCap / 2));
  return {
    id: config.id,
    keywords: config.keywords,
    foldCase: false,
    start: ANYWHERE,
    match(r, kwStart) {
      r.at(kwStart + window - 1); // wait for the whole window (or the end of the text)
      const text = r.slice(kwStart, kwStart + window);
      pattern.lastIndex = 0;
      const found = pattern.exec(text);
      if (!found) return null;
      const [start, end] = found.indices?.[1] ?? found.indices?.[0] ?? [0, 0];
      if (end <= start) return null;
      if (config.minEntropy !== undefined && entropy(text.slice(start, end)) < config.minEntropy) return null;
      return { start: kwStart + start, end: kwStart + end };
    },
  };
}
