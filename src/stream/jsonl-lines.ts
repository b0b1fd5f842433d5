import { concatChunks } from './concat.ts';

/**
 * Applies `rewrite` to whole lines of a JSON Lines body as it streams, so a large body (message
 * batch results) is never held in memory at once. Each call gets complete lines only.
 */
export function rewriteJsonLines(rewrite: (lines: Uint8Array) => Uint8Array): TransformStream<Uint8Array, Uint8Array> {
  let carry: Uint8Array | undefined;
  return new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      const buffer = carry ? concatChunks([carry, chunk]) : chunk;
      const lastNewline = buffer.lastIndexOf(10);
      if (lastNewline < 0) {
        carry = buffer;
        return;
      }
      controller.enqueue(rewrite(buffer.subarray(0, lastNewline + 1)));
      carry = lastNewline + 1 < buffer.length ? buffer.slice(lastNewline + 1) : undefined;
    },
    flush(controller) {
      if (carry) controller.enqueue(rewrite(carry));
    },
  });
}
