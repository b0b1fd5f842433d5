/** Cuts a string or byte array at the given offsets (taken modulo its length + 1), in order. */
export function cutAt<T extends { length: number; slice(start: number, end?: number): T }>(whole: T, cuts: number[]): T[] {
  const points = [...new Set(cuts.map((c) => c % (whole.length + 1)))].sort((a, b) => a - b);
  const pieces: T[] = [];
  let last = 0;
  for (const point of points) {
    pieces.push(whole.slice(last, point));
    last = point;
  }
  pieces.push(whole.slice(last));
  return pieces;
}
