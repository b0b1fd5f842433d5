/**
 * Masks a JSON text that arrives in fragments (tool_use input_json_delta): the structure passes
 * as it is, the contents of every string are decoded, redacted and re-escaped, so the output
 * stays valid JSON whatever the fragments' boundaries (inside an escape, between the halves of
 * a surrogate pair).
 */
import { Redactor, type SpanFinding } from './redactor.ts';
import type { Ruleset } from './ruleset.ts';

/** A finding inside one string of the JSON text; `string` counts strings (keys too) from 0. */
export interface JsonStringFinding extends SpanFinding {
  string: number;
}

const SIMPLE_ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

export class JsonInputMasker {
  private redactor: Redactor | null = null;
  private strings = 0;
  /** An escape sequence cut by a fragment boundary, backslash included. */
  private escape = '';

  constructor(
    private readonly ruleset: Ruleset,
    private readonly holdbackCap: number,
    private readonly onFinding: (finding: JsonStringFinding) => void,
  ) {}

  push(fragment: string): string {
    let out = '';
    let decoded = '';
    let i = 0;
    if (this.escape) {
      // Complete the escape cut by the last boundary: "\" alone, or a partial "\uXXXX".
      if (this.escape.length === 1 && fragment.length > 0) this.escape += fragment[i++];
      const needed = this.escape[1] === 'u' ? 6 : 2;
      const take = Math.min(needed - this.escape.length, fragment.length - i);
      this.escape += fragment.slice(i, i + take);
      i += take;
      if (this.escape.length < needed) return '';
      decoded += unescape(this.escape);
      this.escape = '';
    }
    while (i < fragment.length) {
      const redactor = this.redactor;
      if (!redactor) {
        // Structure: copy up to the next string.
        const quote = fragment.indexOf('"', i);
        const stop = quote < 0 ? fragment.length : quote + 1;
        out += fragment.slice(i, stop);
        i = stop;
        if (quote >= 0) this.openString();
        continue;
      }
      const c = fragment.charCodeAt(i);
      if (c === 0x22) {
        out += escapeJson(redactor.push(decoded) + redactor.end()) + '"';
        decoded = '';
        this.redactor = null;
        i++;
      } else if (c === 0x5c) {
        const needed = fragment[i + 1] === 'u' ? 6 : 2;
        if (i + needed > fragment.length) {
          this.escape = fragment.slice(i);
          i = fragment.length;
        } else {
          decoded += unescape(fragment.slice(i, i + needed));
          i += needed;
        }
      } else {
        let j = i + 1;
        while (j < fragment.length && fragment.charCodeAt(j) !== 0x22 && fragment.charCodeAt(j) !== 0x5c) j++;
        decoded += fragment.slice(i, j);
        i = j;
      }
    }
    if (this.redactor && decoded) out += escapeJson(this.redactor.push(decoded));
    return out;
  }

  /** The JSON text is complete: releases whatever a string still held. */
  end(): string {
    const redactor = this.redactor;
    this.redactor = null;
    this.escape = '';
    return redactor ? escapeJson(redactor.end()) : '';
  }

  private openString(): void {
    const string = this.strings++;
    this.redactor = new Redactor(this.ruleset, this.holdbackCap, (finding) => this.onFinding({ ...finding, string }));
  }
}

function unescape(sequence: string): string {
  if (sequence[1] === 'u') {
    const code = Number.parseInt(sequence.slice(2), 16);
    return Number.isNaN(code) ? '' : String.fromCharCode(code);
  }
  return SIMPLE_ESCAPES[sequence[1]!] ?? '';
}

/** The body of a JSON string literal for `text` (JSON.stringify keeps lone surrogates escaped). */
export function escapeJson(text: string): string {
  return text ? JSON.stringify(text).slice(1, -1) : '';
}

/** Masks a complete JSON text; returns the same string when nothing was redacted. */
export function maskJsonText(ruleset: Ruleset, json: string, onFinding: (finding: JsonStringFinding) => void): string {
  let found = false;
  const masker = new JsonInputMasker(ruleset, Number.MAX_SAFE_INTEGER, (finding) => {
    found = true;
    onFinding(finding);
  });
  const out = masker.push(json) + masker.end();
  return found ? out : json;
}
