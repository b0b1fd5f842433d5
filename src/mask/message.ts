/**
 * Non-streamed Messages responses: the same redaction over the assembled JSON body. A body in
 * which the keyword automaton finds nothing is returned as it came, without being parsed.
 */
import type { RedactionFinding } from './finding.ts';
import { maskJsonText } from './json-input.ts';
import { redactWhole } from './redactor.ts';
import type { Ruleset } from './ruleset.ts';

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** Whether the raw bytes contain any keyword, or an escape that could be hiding one. */
function mayContainSecrets(ruleset: Ruleset, body: Uint8Array): boolean {
  const { delta, hasOutput } = ruleset.automaton;
  let state = 0;
  for (let i = 0; i < body.length; i++) {
    const b = body[i]!;
    if (b === 0x5c && (body[i + 1] === 0x75 || body[i + 1] === 0x2f) /* \u, \/ */) return true;
    state = delta[state * 128 + (b < 128 ? b : 0)]!;
    if (hasOutput[state] === 1) return true;
  }
  return false;
}

export function maskMessageBody(ruleset: Ruleset, body: Uint8Array, onFinding: (f: RedactionFinding) => void): Uint8Array {
  if (!mayContainSecrets(ruleset, body)) return body;
  let message: any;
  try {
    message = JSON.parse(decoder.decode(body));
  } catch {
    return body;
  }
  return maskMessage(ruleset, message, onFinding) ? encoder.encode(JSON.stringify(message)) : body;
}

/**
 * Message batch results (JSONL, one `{custom_id, result: {type, message}}` a line): each
 * succeeded message is masked like a single one; findings name the line's custom_id in `path`.
 */
export function maskBatchResults(ruleset: Ruleset, body: Uint8Array, onFinding: (f: RedactionFinding) => void): Uint8Array {
  if (!mayContainSecrets(ruleset, body)) return body;
  let changed = false;
  const lines = decoder.decode(body).split('\n').map((line) => {
    let entry: any;
    try {
      entry = JSON.parse(line);
    } catch {
      return line;
    }
    const message = entry?.result?.message;
    const path = typeof entry?.custom_id === 'string' ? entry.custom_id : undefined;
    if (!maskMessage(ruleset, message, (f) => onFinding(path === undefined ? f : { ...f, path }))) return line;
    changed = true;
    return JSON.stringify(entry);
  });
  return changed ? encoder.encode(lines.join('\n')) : body;
}

/** Masks a parsed message in place; returns whether anything changed. */
function maskMessage(ruleset: Ruleset, message: any, onFinding: (f: RedactionFinding) => void): boolean {
  if (!message || typeof message !== 'object' || !Array.isArray(message.content)) return false;
  let changed = false;
  message.content.forEach((block: any, index: number) => {
    if (!block || typeof block !== 'object') return;
    if (block.type === 'text' && typeof block.text === 'string') {
      const text = redactWhole(ruleset, block.text, (f) => onFinding({ ...f, where: 'response', block: index, kind: 'redacted' }));
      if (text !== block.text) {
        block.text = text;
        changed = true;
      }
    } else if (block.type === 'thinking' && typeof block.thinking === 'string') {
      redactWhole(ruleset, block.thinking, (f) => onFinding({ ...f, where: 'response', block: index, kind: 'noted' }));
    } else if ('input' in block && block.input !== undefined) {
      const json = JSON.stringify(block.input);
      const masked = maskJsonText(ruleset, json, (f) => onFinding({ ...f, where: 'response', block: index, kind: 'redacted' }));
      if (masked !== json) {
        block.input = JSON.parse(masked);
        changed = true;
      }
    }
  });
  return changed;
}
