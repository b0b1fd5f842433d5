/**
 * The built-in rules, in priority order: where two rules match at the same place, the earlier
 * one names the finding. Specific formats come before the generic assignment rule.
 */
import { aiRules } from './ai.ts';
import { chatRules } from './chat.ts';
import { cloudRules } from './cloud.ts';
import { commandLineRules } from './command-line.ts';
import { commerceRules } from './commerce.ts';
import { genericAssignmentRule } from './generic.ts';
import { keyRules } from './keys.ts';
import { observabilityRules } from './observability.ts';
import { messagingRules } from './messaging.ts';
import { packageRules } from './packages.ts';
import { Reader } from './reader.ts';
import type { Rule } from './rule.ts';
import { saasRules } from './saas.ts';
import { vcsRules } from './vcs.ts';
import { webRules } from './web.ts';

const specificRules: Rule[] = [
  ...aiRules,
  ...vcsRules,
  ...cloudRules,
  ...chatRules,
  ...commerceRules,
  ...messagingRules,
  ...saasRules,
  ...packageRules,
  ...keyRules,
  ...observabilityRules,
  ...webRules,
  ...commandLineRules,
];

/** How far into a value another rule's token may begin (a Telegram token's bot id before ":AA"). */
const TOKEN_OFFSET_MAX = 16;

/**
 * Whether a specific rule recognises a token in `value`, at its start or just after it: those
 * rules know the format (and what part of it is secret), so the generic rule leaves it to them.
 */
function holdsSpecificToken(value: string): boolean {
  const reader = new Reader(value, true, 0);
  const folded = value.toLowerCase();
  for (const rule of specificRules) {
    for (const keyword of rule.keywords) {
      const at = rule.foldCase ? folded.indexOf(keyword.toLowerCase()) : value.indexOf(keyword);
      if (at < 0 || at > TOKEN_OFFSET_MAX) continue;
      if (!rule.start(at > 0 ? value.charCodeAt(at - 1) : -1, value.charCodeAt(at))) continue;
      if (rule.match(reader, at, at + keyword.length)) return true;
    }
  }
  return false;
}

export const builtinRules: readonly Rule[] = [...specificRules, genericAssignmentRule(holdsSpecificToken)];
