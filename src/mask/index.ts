/**
 * The secret masker: what the gateway uses to redact secrets in responses (streamed or not)
 * and to apply the prompt policy to requests.
 */
import type { MaskingConfig } from './config.ts';
import type { RedactionFinding } from './finding.ts';
import { maskBatchResults, maskMessageBody } from './message.ts';
import { type PromptAction, policyFor, scanRequest } from './request.ts';
import { compileRuleset } from './ruleset.ts';
import { SseMasker, maskSseStream } from './sse.ts';

export type { MaskingConfig } from './config.ts';
export { maskingConfigSchema } from './config.ts';
export type { RedactionFinding } from './finding.ts';
export type { PromptAction } from './request.ts';

export interface Masker {
  /** False when masking is off: every method then passes bytes through untouched. */
  readonly enabled: boolean;
  /** One per streamed response: SSE bytes in, SSE bytes out. */
  sse(onFinding: (f: RedactionFinding) => void): TransformStream<Uint8Array, Uint8Array>;
  /** The same, as plain synchronous calls per chunk (what the relay runs, on every runtime). */
  sseMasker(onFinding: (f: RedactionFinding) => void): SseChunkMasker;
  /** Non-streaming Messages JSON body; returns the SAME Uint8Array when nothing changed. */
  message(body: Uint8Array, onFinding: (f: RedactionFinding) => void): Uint8Array;
  /** Message batch results (JSONL); returns the SAME Uint8Array when nothing changed. */
  batchResults(body: Uint8Array, onFinding: (f: RedactionFinding) => void): Uint8Array;
  /**
   * Scans the new part of a parsed request body (latest user turn and its tool_result blocks),
   * under the connection's own prompt rule when given, else masking.prompts for its name.
   */
  request(
    body: unknown,
    connection: string,
    action?: PromptAction,
  ): { action: PromptAction; findings: RedactionFinding[]; body?: Uint8Array; blockedRule?: string };
}

/** One streamed response's masker, called chunk by chunk; each call hands what the client gets to `out`. */
export interface SseChunkMasker {
  chunk(chunk: Uint8Array, out: { enqueue(chunk: Uint8Array): void }): void;
  finish(out: { enqueue(chunk: Uint8Array): void }): void;
}

const passThrough: SseChunkMasker = { chunk: (chunk, out) => out.enqueue(chunk), finish() {} };

export function createMasker(config: MaskingConfig): Masker {
  if (!config.enabled) {
    return {
      enabled: false,
      sse: () => new TransformStream<Uint8Array, Uint8Array>(),
      sseMasker: () => passThrough,
      message: (body) => body,
      batchResults: (body) => body,
      request: () => ({ action: 'allow', findings: [] }),
    };
  }
  const ruleset = compileRuleset(config);
  return {
    enabled: true,
    sse: (onFinding) => maskSseStream({ ruleset, holdbackCap: config.holdbackCap, onFinding }),
    sseMasker: (onFinding) => new SseMasker({ ruleset, holdbackCap: config.holdbackCap, onFinding }),
    message: (body, onFinding) => maskMessageBody(ruleset, body, onFinding),
    batchResults: (body, onFinding) => maskBatchResults(ruleset, body, onFinding),
    request: (body, connection, action) => scanRequest(ruleset, body, action ?? policyFor(config.prompts, connection)),
  };
}
