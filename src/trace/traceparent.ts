/** W3C Trace Context `traceparent`: version-traceid-parentid-flags, lower-case hex. */
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const ALL_ZERO = /^0+$/;

export interface TraceParent {
  traceId: string;
  spanId: string;
  sampled: boolean;
}

/** The caller's trace context, or undefined when absent or malformed (a new trace starts). */
export function parseTraceParent(header: string | null): TraceParent | undefined {
  const match = header === null ? null : TRACEPARENT.exec(header.trim());
  if (!match || ALL_ZERO.test(match[1]!) || ALL_ZERO.test(match[2]!)) return undefined;
  return { traceId: match[1]!, spanId: match[2]!, sampled: (parseInt(match[3]!, 16) & 1) === 1 };
}

export function formatTraceParent(traceId: string, spanId: string, sampled: boolean): string {
  return `00-${traceId}-${spanId}-${sampled ? '01' : '00'}`;
}

export function randomHexId(bytes: 8 | 16): string {
  const id = crypto.getRandomValues(new Uint8Array(bytes));
  let hex = '';
  for (const byte of id) hex += byte.toString(16).padStart(2, '0');
  return ALL_ZERO.test(hex) ? randomHexId(bytes) : hex;
}
