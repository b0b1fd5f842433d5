/**
 * History deltas. An agent resends its whole conversation on every call; a record whose
 * request continues its parent's conversation stores only how it differs: how much of the
 * parent's conversation it keeps, small edits (moved cache_control markers), and the new
 * messages. applyDelta(parentConversation, diffHistory(...)) gives the messages back exactly,
 * including key order, which is what lets a reader rebuild the request byte for byte.
 */
import { messageText } from './canonical.ts';
import type { AssembledMessage, HistoryDelta, HistoryEdit } from './record.ts';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The conversation an exchange leaves behind: its messages, then its answer if it had one. */
export function conversationOf(messages: readonly unknown[], answer: AssembledMessage | null): unknown[] {
  if (!answer || answer.content.length === 0) return [...messages];
  return [...messages, { role: 'assistant', content: answer.content }];
}

/**
 * Whether editing `before` key by key (removals keep order, updates keep position, additions
 * go last) can produce `after` with its exact key order.
 */
function keyOrderReachable(before: Record<string, unknown>, after: Record<string, unknown>): boolean {
  const afterKeys = Object.keys(after);
  const kept = Object.keys(before).filter((key) => key in after);
  for (let i = 0; i < kept.length; i++) if (afterKeys[i] !== kept[i]) return false;
  return true;
}

function diffValue(before: unknown, after: unknown, path: (string | number)[], edits: HistoryEdit[], same = JSON.stringify(before) === JSON.stringify(after)): void {
  if (same) return;
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    after.forEach((item, i) => diffValue(before[i], item, [...path, i], edits));
    return;
  }
  if (isObject(before) && isObject(after) && keyOrderReachable(before, after)) {
    for (const key of Object.keys(before)) if (!(key in after)) edits.push({ path: [...path, key], remove: true });
    for (const key of Object.keys(after)) {
      if (key in before) diffValue(before[key], after[key], [...path, key], edits);
      else edits.push({ path: [...path, key], value: after[key] });
    }
    return;
  }
  edits.push({ path, value: after });
}

/** The delta that turns the parent's conversation into `messages`, keeping `keep` of it. */
export function diffHistory(parent: string, parentConversation: readonly unknown[], messages: readonly unknown[], keep: number): HistoryDelta {
  const edits: HistoryEdit[] = [];
  // Whole messages compare by their JSON texts, which each message computes once: the parent's
  // were computed when the parent itself was recorded.
  for (let i = 0; i < keep; i++) diffValue(parentConversation[i], messages[i], [i], edits, messageText(parentConversation[i]) === messageText(messages[i]));
  return { parent, keep, edits, append: messages.slice(keep) };
}

function applyEdit(root: unknown[], edit: HistoryEdit): void {
  if (edit.path.length === 0) throw new Error('history edit with an empty path');
  let target: unknown = root;
  for (const step of edit.path.slice(0, -1)) {
    target = (target as Record<string | number, unknown>)[step];
    if (typeof target !== 'object' || target === null) throw new Error(`history edit path ${JSON.stringify(edit.path)} does not exist`);
  }
  const last = edit.path[edit.path.length - 1] as string | number;
  const container = target as Record<string | number, unknown>;
  if (edit.remove) delete container[last];
  else container[last] = structuredClone(edit.value);
}

/**
 * Whether the delta rebuilds `messages` exactly, checked where it can differ: kept messages
 * without edits are the parent's, whose texts were compared equal; edited ones are rebuilt
 * (a copy of just that message) and compared; appended ones are the messages themselves.
 */
export function deltaRebuilds(parentConversation: readonly unknown[], delta: HistoryDelta, messages: readonly unknown[]): boolean {
  if (delta.keep > parentConversation.length || delta.keep + delta.append.length !== messages.length) return false;
  const edited = new Map<number, unknown[]>();
  for (const edit of delta.edits) {
    const index = edit.path[0];
    if (typeof index !== 'number' || index >= delta.keep) return false;
    let single = edited.get(index);
    if (!single) {
      single = [structuredClone(parentConversation[index])];
      edited.set(index, single);
    }
    applyEdit(single, { ...edit, path: [0, ...edit.path.slice(1)] });
  }
  for (let i = 0; i < delta.keep; i++) {
    const single = edited.get(i);
    const text = single ? JSON.stringify(single[0]) : messageText(parentConversation[i]);
    if (text !== messageText(messages[i])) return false;
  }
  return true;
}

/** Rebuilds the messages a delta describes. Does not modify the parent's conversation. */
export function applyDelta(parentConversation: readonly unknown[], delta: HistoryDelta): unknown[] {
  if (delta.keep > parentConversation.length) {
    throw new Error(`history delta keeps ${delta.keep} messages but parent ${delta.parent} has ${parentConversation.length}`);
  }
  const messages = structuredClone(parentConversation.slice(0, delta.keep)) as unknown[];
  for (const edit of delta.edits) applyEdit(messages, edit);
  return [...messages, ...structuredClone(delta.append)];
}
