/**
 * The compiled rules: built-in and custom rules in priority order, the keyword automaton over
 * all of them, and the filters every match passes (placeholders, the configured allowlist).
 */
import type { MaskingConfig } from './config.ts';
import { KeywordAutomaton } from './keywords.ts';
import { looksLikePlaceholder } from './placeholders.ts';
import { builtinRules } from './rules/index.ts';
import { customRule } from './rules/custom.ts';
import type { Rule } from './rules/rule.ts';

export class Ruleset {
  readonly automaton: KeywordAutomaton;
  private readonly placeholders: string[];
  private readonly allowedValues: Set<string>;
  private readonly allowedPatterns: RegExp[];

  constructor(
    readonly rules: readonly Rule[],
    placeholder: string,
    allowlist: readonly string[] = [],
  ) {
    const ids = new Set<string>();
    for (const rule of rules) {
      if (ids.has(rule.id)) throw new Error(`duplicate masking rule id: ${rule.id}`);
      ids.add(rule.id);
    }
    this.automaton = new KeywordAutomaton(
      rules.flatMap((rule, index) =>
        rule.keywords.map((text) => ({ text, foldCase: rule.foldCase, start: rule.start, rule: index, holds: !rule.redactsAfterKeyword })),
      ),
    );
    this.placeholders = rules.map((rule) => placeholder.replaceAll('{rule}', rule.id));
    this.allowedValues = new Set(allowlist.filter((entry) => !isPattern(entry)));
    this.allowedPatterns = allowlist.filter(isPattern).map(toPattern);
  }

  placeholder(rule: number): string {
    return this.placeholders[rule]!;
  }

  /**
   * Whether a matched value is to be redacted: not a placeholder, not allowlisted. A token's
   * value is its body, but the placeholder check reads the whole token (prefix included), and
   * an allowlist entry may name either.
   */
  accepts(value: string, whole = value): boolean {
    if (looksLikePlaceholder(whole) || this.allowed(value)) return false;
    return whole === value || !this.allowed(whole);
  }

  private allowed(value: string): boolean {
    return this.allowedValues.has(value) || this.allowedPatterns.some((pattern) => pattern.test(value));
  }
}

/** Allowlist entries written as /pattern/flags are regular expressions; others are literals. */
function isPattern(entry: string): boolean {
  return /^\/.+\/[a-z]*$/s.test(entry);
}

function toPattern(entry: string): RegExp {
  const close = entry.lastIndexOf('/');
  return new RegExp(entry.slice(1, close), entry.slice(close + 1).replace('g', ''));
}

export function compileRuleset(config: MaskingConfig): Ruleset {
  // Custom rules come first: an operator's rule wins over a built-in one at the same place.
  const rules = [...config.customRules.map((rule) => customRule(rule, config.holdbackCap)), ...builtinRules];
  return new Ruleset(rules, config.placeholder, config.allowlist);
}
