/**
 * Secrets in what the caller sends: only the new part of a request is scanned (the latest user
 * turn, its text and tool results), since earlier turns were scanned when they were new. The
 * connection's policy says what happens: allow (record the finding), mask before forwarding,
 * or block the request naming the rule.
 */
import type { RedactionFinding } from './finding.ts';
import { redactWhole } from './redactor.ts';
import type { Ruleset } from './ruleset.ts';

export type PromptAction = 'allow' | 'mask' | 'block';

export interface RequestScan {
  action: PromptAction;
  findings: RedactionFinding[];
  /** The body to forward, re-serialized, when action is 'mask' and something was masked. */
  body?: Uint8Array;
  /** The first rule found, when action is 'block'. */
  blockedRule?: string;
}

/** A string of the request and how to put a new value in its place. */
interface Slot {
  path: string;
  text: string;
  set(value: string): void;
}

function latestUserTurnSlots(body: any): Slot[] {
  const slots: Slot[] = [];
  const messages = body?.messages;
  if (!Array.isArray(messages)) return slots;
  let turn = messages.length - 1;
  while (turn >= 0 && messages[turn]?.role !== 'user') turn--;
  if (turn < 0) return slots;
  const message = messages[turn];
  const base = `messages[${turn}]`;
  if (typeof message.content === 'string') {
    slots.push({ path: `${base}.content`, text: message.content, set: (v) => (message.content = v) });
    return slots;
  }
  if (!Array.isArray(message.content)) return slots;
  message.content.forEach((block: any, i: number) => {
    const at = `${base}.content[${i}]`;
    if (block?.type === 'text' && typeof block.text === 'string') {
      slots.push({ path: `${at}.text`, text: block.text, set: (v) => (block.text = v) });
    } else if (block?.type === 'tool_result') {
      if (typeof block.content === 'string') {
        slots.push({ path: `${at}.content`, text: block.content, set: (v) => (block.content = v) });
      } else if (Array.isArray(block.content)) {
        block.content.forEach((part: any, j: number) => {
          if (part?.type === 'text' && typeof part.text === 'string') {
            slots.push({ path: `${at}.content[${j}].text`, text: part.text, set: (v) => (part.text = v) });
          }
        });
      }
    }
  });
  return slots;
}

export function policyFor(prompts: Record<string, PromptAction>, connection: string): PromptAction {
  return prompts[connection] ?? prompts['*'] ?? 'allow';
}

export function scanRequest(ruleset: Ruleset, body: unknown, action: PromptAction): RequestScan {
  const findings: RedactionFinding[] = [];
  // Masking changes the body, so it works on a copy; the caller's parsed body stays as it was.
  const target = action === 'mask' ? structuredClone(body) : body;
  let changed = false;
  for (const slot of latestUserTurnSlots(target)) {
    const masked = redactWhole(ruleset, slot.text, (f) => findings.push({ ...f, where: 'request', path: slot.path, kind: 'redacted' }));
    if (action === 'mask' && masked !== slot.text) {
      slot.set(masked);
      changed = true;
    }
  }
  if (findings.length === 0) return { action: 'allow', findings };
  if (action === 'block') return { action, findings, blockedRule: findings[0]!.rule };
  if (action === 'mask' && changed) return { action, findings, body: new TextEncoder().encode(JSON.stringify(target)) };
  return { action, findings };
}
