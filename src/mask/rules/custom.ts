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

export const CUSTOM_RULE_WINDOW = 256;

export interface CustomRuleConfig {
  id: string;
  keywords: string[];
  pattern: string;
  minEntropy?: number | undefined;
}

export function customRule(config: CustomRuleConfig): Rule {
  const pattern = new RegExp(config.pattern, 'yd');
  return {
    id: config.id,
    keywords: config.keywords,
    foldCase: false,
    start: ANYWHERE,
    match(r, kwStart) {
      r.at(kwStart + CUSTOM_RULE_WINDOW - 1); // wait for the whole window (or the end of the text)
      const window = r.slice(kwStart, kwStart + CUSTOM_RULE_WINDOW);
      pattern.lastIndex = 0;
      const found = pattern.exec(window);
      if (!found) return null;
      const [start, end] = found.indices?.[1] ?? found.indices?.[0] ?? [0, 0];
      if (end <= start) return null;
      if (config.minEntropy !== undefined && entropy(window.slice(start, end)) < config.minEntropy) return null;
      return { start: kwStart + start, end: kwStart + end };
    },
  };
}
