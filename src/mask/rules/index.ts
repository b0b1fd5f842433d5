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

/** Whether a specific rule recognises the whole of `value` as its token. */
function startsSpecificToken(value: string): boolean {
  const reader = new Reader(value, true, 0);
  for (const rule of specificRules) {
    for (const keyword of rule.keywords) {
      const head = value.slice(0, keyword.length);
      if (rule.foldCase ? head.toLowerCase() !== keyword.toLowerCase() : head !== keyword) continue;
      if (rule.match(reader, 0, keyword.length)) return true;
    }
  }
  return false;
}

export const builtinRules: readonly Rule[] = [...specificRules, genericAssignmentRule(startsSpecificToken)];
