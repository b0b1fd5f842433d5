/**
 * How a request body is stored, and how a reader gets its bytes back. A JSON body is stored as
 * JSON with its bulky, repetitive parts factored out: `system` and `tools` by hash (stored
 * once per writer), `messages` as a delta of the parent exchange. The writer only uses the
 * factored form when decoding it reproduces the original bytes; otherwise it keeps the body
 * whole (as JSON, text, or base64), so a rebuilt body always equals what was forwarded.
 */
import { sha256Hex } from './hash.ts';
import { messageText } from './canonical.ts';
import { decodeCompactObject } from './compact-body.ts';
import { jsonOf } from './json-texts.ts';
import { applyDelta, deltaRebuilds, diffHistory } from './history-delta.ts';
import type { RecordedBody } from './record.ts';
import { fromBase64, toBase64 } from './base64.ts';

/** Where a reader finds what a body refers to. */
export interface BodyContext {
  /** The conversation (messages plus answer) that the parent exchange left behind. */
  conversation(exchangeId: string): Promise<readonly unknown[]>;
  /** A value stored once by hash. */
  definition(hash: string): unknown;
}

/** What the writer may factor out of this body. */
export interface BodyPlan {
  /** The parent to express messages against, with its conversation and the length to keep. */
  history?: { parent: string; conversation: readonly unknown[]; keep: number };
  /** Fields to store by hash when they are at least `minRefBytes` long. */
  refFields?: readonly string[];
  minRefBytes?: number;
}

export interface EncodedBody {
  body: RecordedBody;
  /** The parsed JSON body, when it was a JSON object. */
  parsed?: Record<string, unknown>;
  /** Values referenced by hash from this body. */
  definitions: Map<string, unknown>;
}

const decoder = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The body as a JSON object, when it is one (for reading fields before encoding). */
export function parseJsonObject(bytes: Uint8Array): Record<string, unknown> | undefined {
  try {
    return parseObject(decoder.decode(bytes));
  } catch {
    return undefined;
  }
}

/** Rebuilds the JSON object of a `json` body, resolving refs and history. */
export async function rebuildJsonBody(body: Extract<RecordedBody, { form: 'json' }>, context: BodyContext): Promise<Record<string, unknown>> {
  const json = structuredClone(body.json);
  for (const [field, hash] of Object.entries(body.refs ?? {})) {
    const value = context.definition(hash);
    if (value === undefined) throw new Error(`definition ${hash} for ${field} not found`);
    json[field] = structuredClone(value);
  }
  if (body.history) json.messages = applyDelta(await context.conversation(body.history.parent), body.history);
  return json;
}

/** The exact bytes of a recorded body. */
export async function decodeBody(body: RecordedBody, context: BodyContext): Promise<Uint8Array> {
  switch (body.form) {
    case 'empty':
      return new Uint8Array(0);
    case 'text':
      return encoder.encode(body.text);
    case 'base64':
      return fromBase64(body.base64);
    case 'json':
      return encoder.encode(JSON.stringify(await rebuildJsonBody(body, context)));
  }
}

async function factorOut(
  parsed: Record<string, unknown>,
  plan: BodyPlan,
  base: { sha256: string; bytes: number },
): Promise<EncodedBody> {
  const json: Record<string, unknown> = { ...parsed };
  const refs: Record<string, string> = {};
  const definitions = new Map<string, unknown>();
  for (const field of plan.refFields ?? []) {
    if (parsed[field] === undefined || parsed[field] === null) continue;
    const known = jsonOf(parsed[field]);
    if (known.text.length < (plan.minRefBytes ?? 256)) continue;
    // System prompts and tool lists repeat on every call: their hash is computed once per text.
    const hash = (known.sha256 ??= await sha256Hex(known.text));
    refs[field] = hash;
    definitions.set(hash, parsed[field]);
    json[field] = null;
  }
  const body: RecordedBody = { form: 'json', ...base, json, ...(Object.keys(refs).length > 0 ? { refs } : {}) };
  if (plan.history && Array.isArray(parsed.messages)) {
    const { parent, conversation, keep } = plan.history;
    body.history = diffHistory(parent, conversation, parsed.messages, keep);
    json.messages = null;
  }
  return { body, parsed, definitions };
}

/** The text and object of a JSON body, when the caller has already decoded and parsed it. */
export type DecodedBody =
  | { text: string; parsed: Record<string, unknown> | undefined; compact?: undefined }
  /** Decoded piece by piece, and known to be exactly JSON.stringify(parsed): no whole text. */
  | { text?: undefined; parsed: Record<string, unknown>; compact: true };

/** Decodes and parses a body once; undefined when it is not UTF-8. */
export function decodeJsonBody(bytes: Uint8Array): DecodedBody | undefined {
  const compact = decodeCompactObject(bytes);
  if (compact) return { parsed: compact, compact: true };
  try {
    const text = decoder.decode(bytes);
    return { text, parsed: parseObject(text) };
  } catch {
    return undefined;
  }
}

const MESSAGES_SLOT = '\u0000scribe:messages\u0000';

/**
 * Whether JSON.stringify(parsed) is exactly `text`, with each message's text computed once
 * (the history delta and the thread index compare messages by the same texts).
 */
function serialisesTo(parsed: Record<string, unknown>, text: string): boolean {
  if (!Array.isArray(parsed.messages)) return JSON.stringify(parsed) === text;
  const outer = JSON.stringify({ ...parsed, messages: MESSAGES_SLOT });
  const slot = JSON.stringify(MESSAGES_SLOT);
  const at = outer.indexOf(slot);
  if (at < 0 || outer.indexOf(slot, at + 1) >= 0) return JSON.stringify(parsed) === text;
  const messages = `[${(parsed.messages as unknown[]).map(messageText).join(',')}]`;
  return text.length === outer.length - slot.length + messages.length && text.startsWith(outer.slice(0, at)) && text.endsWith(outer.slice(at + slot.length)) && text.startsWith(messages, at);
}

/** Stores a body in the most compact form that decodes back to exactly these bytes. */
export async function encodeBody(bytes: Uint8Array, plan: BodyPlan = {}, decoded: DecodedBody | undefined = decodeJsonBody(bytes)): Promise<EncodedBody> {
  if (bytes.byteLength === 0) return { body: { form: 'empty' }, definitions: new Map() };
  const base = { sha256: await sha256Hex(bytes), bytes: bytes.byteLength };
  if (decoded === undefined) return { body: { form: 'base64', ...base, base64: toBase64(bytes) }, definitions: new Map() };
  if (!decoded.compact && (!decoded.parsed || !serialisesTo(decoded.parsed, decoded.text))) return { body: { form: 'text', ...base, text: decoded.text }, definitions: new Map() };
  // A compact body was checked piece by piece to serialise back to its bytes.
  const parsed = decoded.parsed as Record<string, unknown>;

  const factored = await factorOut(parsed, plan, base);
  // The factored form rebuilds the body by construction: refs put the same values back in the
  // same places, and a history delta is checked wherever it can differ from the messages.
  const history = factored.body.form === 'json' ? factored.body.history : undefined;
  if (!history || !plan.history || deltaRebuilds(plan.history.conversation, history, parsed.messages as unknown[])) return factored;
  return { body: { form: 'json', ...base, json: parsed }, parsed, definitions: new Map() };
}
