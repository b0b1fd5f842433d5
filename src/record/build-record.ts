/**
 * Turns a finished capture into an exchange record: assembles the response from the SSE copy,
 * threads the exchange into its session, factors the request body against its parent, seals
 * redacted originals. Runs off the hot path, one exchange at a time, in the order exchanges
 * ended, so that a parent is always built before its child.
 */
import type { FindingDigester } from '../mask/digest.ts';
import type { Sealer } from '../seal/sealer.ts';
import { decodeJsonBody, encodeBody, type EncodedBody } from './body-form.ts';
import { prefixHashes } from './canonical.ts';
import type { RecoveredFinding } from './inflight.ts';
import type { CapturedExchange } from './exchange-capture.ts';
import { conversationOf } from './history-delta.ts';
import { RECORD_VERSION, type AssembledMessage, type ExchangeRecord, type RecordedFinding, type RecordedResponse } from './record.ts';
import type { Outcome } from './recorder.ts';
import { assembleStream } from './sse-assembler.ts';
import { encodeStream } from './stream-form.ts';
import { callerSession, type ThreadIndex } from './threading.ts';

/** Never recorded, whatever the gateway's allowlist says: credentials of caller or upstream. */
const secretHeaders = new Set(['authorization', 'proxy-authorization', 'x-api-key', 'x-goog-api-key', 'cookie', 'set-cookie']);
const tokenClaims = new Set(['access_token', 'id_token', 'refresh_token', 'token']);

export interface BuildContext {
  threads: ThreadIndex;
  sealer: Sealer | undefined;
  /** Keys the findings' digests; without it a finding carries no digest at all. */
  digester?: FindingDigester | undefined;
  sessionHeaders: readonly string[];
  /** Definitions this writer already stored; a record includes only the new ones. */
  storedDefinitions: Set<string>;
  /** Lets the event loop run between the request's half of the work and the response's. */
  pause?: () => Promise<void>;
}

export type UnchainedRecord = Omit<ExchangeRecord, 'chain'>;

function safeHeaders(entries: Iterable<[string, string]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of entries) {
    const key = name.toLowerCase();
    if (!secretHeaders.has(key)) out[key] = value;
  }
  return out;
}

function concat(chunks: readonly { bytes: Uint8Array }[]): Uint8Array {
  const total = chunks.reduce((sum, c) => sum + c.bytes.byteLength, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const { bytes } of chunks) {
    out.set(bytes, offset);
    offset += bytes.byteLength;
  }
  return out;
}

function buildResponse(capture: CapturedExchange): Promise<RecordedResponse | null> | RecordedResponse | null {
  if (capture.status === undefined) return null;
  const headers = safeHeaders(capture.headers ?? []);
  const contentType = headers['content-type'] ?? '';
  if (contentType.includes('text/event-stream')) {
    const assembled = assembleStream(capture.chunks);
    return {
      status: capture.status,
      headers,
      message: assembled.message,
      stream: encodeStream(assembled, capture.chunks),
      ...(assembled.error !== undefined ? { error: assembled.error } : {}),
    };
  }
  return encodeBody(concat(capture.chunks)).then(({ body, parsed }) => ({
    status: capture.status as number,
    headers,
    message: parsed?.type === 'message' && Array.isArray(parsed.content) ? (parsed as AssembledMessage) : null,
    body,
  }));
}

/** A minimal audit line's response: status and headers, no body and no stream. */
function bodilessResponse(capture: CapturedExchange): RecordedResponse | null {
  if (capture.status === undefined) return null;
  return { status: capture.status, headers: safeHeaders(capture.headers ?? []), message: null };
}

/** Refines the gateway's verdict with what the response shows (an HTTP or mid-stream error). */
function finalOutcome(capture: CapturedExchange, response: RecordedResponse | null): { status: Outcome; detail?: string } {
  const status = capture.outcome ?? 'complete';
  const detail = capture.detail;
  if (status === 'complete' && response?.error !== undefined) {
    const error = response.error as { type?: string; message?: string };
    return { status: 'upstream_error', detail: detail ?? [error.type, error.message].filter(Boolean).join(': ') };
  }
  if (status === 'complete' && response && response.status >= 400) {
    return { status: 'upstream_error', detail: detail ?? `HTTP ${response.status}` };
  }
  return detail === undefined ? { status } : { status, detail };
}

/** The sealed original; without it (no key, or sealing failed) the finding keeps only the hash. */
async function sealed(original: string, sealer: Sealer | undefined): Promise<{ sealed?: string; kid?: string }> {
  if (!sealer) return {};
  try {
    return { sealed: await sealer.seal(original), kid: sealer.keyId };
  } catch {
    return {};
  }
}

async function keyedDigest(original: string, digester: FindingDigester | undefined): Promise<{ hmac?: string; dk?: string }> {
  return digester ? { hmac: await digester.digest(original), dk: digester.keyId } : {};
}

function recoveredDigest(finding: RecoveredFinding, digester: FindingDigester | undefined): { hmac?: string; dk?: string } {
  return finding.digest && digester ? { hmac: finding.digest, dk: digester.keyId } : {};
}

async function recordFindings(capture: CapturedExchange, sealer: Sealer | undefined, digester: FindingDigester | undefined): Promise<RecordedFinding[]> {
  return Promise.all(
    capture.findings.map(async (f) => ({
      rule: f.rule,
      where: f.where,
      ...(f.block !== undefined ? { block: f.block } : {}),
      start: f.start,
      end: f.end,
      ...(f.kind === 'noted' ? { kind: 'noted' as const } : {}),
      ...(f.string !== undefined ? { string: f.string } : {}),
      ...(f.path !== undefined ? { path: f.path } : {}),
      ...(f.truncated ? { truncated: true } : {}),
      // A finding recovered from a journal has only its original's keyed digest: nothing left to seal.
      ...('digest' in f ? recoveredDigest(f as RecoveredFinding, digester) : { ...(await keyedDigest(f.original, digester)), ...(await sealed(f.original, sealer)) }),
    })),
  );
}

function recordedIdentity(capture: CapturedExchange): ExchangeRecord['identity'] {
  const identity = capture.start.identity;
  if (!identity) return null;
  const claims = Object.fromEntries(Object.entries(identity.claims).filter(([key]) => !tokenClaims.has(key)));
  return {
    issuer: identity.issuer,
    subject: identity.subject,
    ...(identity.email !== undefined ? { email: identity.email } : {}),
    groups: [...identity.groups],
    claims,
  };
}

/** Builds the record and teaches the thread index about the exchange. */
export async function buildRecord(capture: CapturedExchange, context: BuildContext): Promise<UnchainedRecord> {
  const { start } = capture;
  const requestHeaders = safeHeaders(Object.entries(start.request.headers));
  const identityKey = start.identity ? `${start.identity.issuer}\n${start.identity.subject}` : undefined;

  const decoded = decodeJsonBody(start.request.body);
  const parsed = decoded?.parsed;
  const messages = Array.isArray(parsed?.messages) ? (parsed.messages as unknown[]) : undefined;
  const named = callerSession(requestHeaders, parsed, context.sessionHeaders);

  const hashes = messages && identityKey ? prefixHashes(messages) : undefined;
  const parent = hashes && identityKey ? context.threads.findParent(identityKey, hashes, named?.id) : undefined;
  const session = named ?? (parent ? { id: parent.sessionId, source: 'inferred' as const } : { id: start.id, source: 'new' as const });

  const encoded: EncodedBody = await encodeBody(start.request.body, {
    refFields: ['system', 'tools'],
    ...(parent?.conversation ? { history: { parent: parent.exchangeId, conversation: parent.conversation, keep: parent.length } } : {}),
  }, decoded);
  const defs: Record<string, unknown> = {};
  for (const [hash, value] of encoded.definitions) if (!context.storedDefinitions.has(hash)) defs[hash] = value;

  // Each half is well under a millisecond; streams in progress get their turn in between.
  await context.pause?.();
  const response = start.bodies === 'omitted' ? bodilessResponse(capture) : await buildResponse(capture);
  const outcome = finalOutcome(capture, response);

  if (identityKey && messages && response && response.status < 400 && outcome.status !== 'rejected') {
    const conversation = conversationOf(messages, response.message);
    context.threads.remember(identityKey, start.id, session.id, messages, conversation, start.request.body.byteLength, hashes);
  }

  const findings = await recordFindings(capture, context.sealer, context.digester);
  // Only now, when nothing can fail any more, does this record become where the definitions live.
  for (const hash of Object.keys(defs)) context.storedDefinitions.add(hash);
  return {
    v: RECORD_VERSION,
    id: start.id,
    session,
    parent: parent?.exchangeId ?? null,
    identity: recordedIdentity(capture),
    grant: start.grant ? { rule: start.grant.rule, ...(start.grant.maxTokensCap !== undefined ? { maxTokensCap: start.grant.maxTokensCap } : {}) } : null,
    connection: start.connection,
    ...(start.format !== undefined ? { format: start.format } : {}),
    ...(start.model !== undefined ? { model: start.model } : {}),
    ...(start.bodies !== undefined ? { bodies: start.bodies } : {}),
    upstream: start.upstream,
    time: {
      start: new Date(start.startedAt).toISOString(),
      startMs: start.startedAt,
      ttfbMs: capture.chunks[0]?.ms ?? capture.responseMs ?? null,
      durationMs: capture.endMs,
    },
    request: {
      method: start.request.method,
      path: start.request.path,
      query: start.request.query,
      headers: requestHeaders,
      body: encoded.body,
    },
    response,
    usage: response?.message?.usage ?? capture.counted ?? null,
    outcome,
    findings,
    ...(Object.keys(defs).length > 0 ? { defs } : {}),
  };
}
