/**
 * Secrets in what the caller sends: findings come from the new part of a request (the latest
 * user turn, its text and tool results), since earlier turns were reported when they were new. The
 * connection's policy says what happens: allow (record the finding), mask before forwarding,
 * or block the request naming the rule. Masking covers every user turn: clients keep their
 * own history and resend what was masked before in each later request.
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
  /** In the latest user turn: findings are reported only here (earlier ones were, when new). */
  latest: boolean;
  set(value: string): void;
}

/** The strings of one user message: its text, or its text and tool_result blocks. */
function userMessageSlots(message: any, base: string, slots: Slot[], latest: boolean): void {
  if (typeof message.content === 'string') {
    slots.push({ path: `${base}.content`, text: message.content, latest, set: (v) => (message.content = v) });
    return;
  }
  if (!Array.isArray(message.content)) return;
  message.content.forEach((block: any, i: number) => {
    const at = `${base}.content[${i}]`;
    if (block?.type === 'text' && typeof block.text === 'string') {
      slots.push({ path: `${at}.text`, text: block.text, latest, set: (v) => (block.text = v) });
    } else if (block?.type === 'tool_result') {
      if (typeof block.content === 'string') {
        slots.push({ path: `${at}.content`, text: block.content, latest, set: (v) => (block.content = v) });
      } else if (Array.isArray(block.content)) {
        block.content.forEach((part: any, j: number) => {
          if (part?.type === 'text' && typeof part.text === 'string') {
            slots.push({ path: `${at}.content[${j}].text`, text: part.text, latest, set: (v) => (part.text = v) });
          }
        });
      }
    }
  });
}

/**
 * The user turns' strings: the latest one only, or (to mask) every one, since a client that
 * keeps its own history resends what was masked before in every later request.
 */
function userSlots(body: any, all: boolean): Slot[] {
  const slots: Slot[] = [];
  const messages = body?.messages;
  if (!Array.isArray(messages)) return slots;
  let latest = messages.length - 1;
  while (latest >= 0 && messages[latest]?.role !== 'user') latest--;
  messages.forEach((message: any, turn: number) => {
    if (message?.role !== 'user' || (turn !== latest && !all)) return;
    userMessageSlots(message, `messages[${turn}]`, slots, turn === latest);
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
  for (const slot of userSlots(target, action === 'mask')) {
    const masked = redactWhole(ruleset, slot.text, (f) => {
      if (slot.latest) findings.push({ ...f, where: 'request', path: slot.path, kind: 'redacted' });
    });
    if (action === 'mask' && masked !== slot.text) {
      slot.set(masked);
      changed = true;
    }
  }
  if (findings.length === 0 && !changed) return { action: 'allow', findings };
  if (action === 'block') return { action, findings, blockedRule: findings[0]!.rule };
  if (action === 'mask' && changed) return { action, findings, body: new TextEncoder().encode(JSON.stringify(target)) };
  return { action, findings };
}
