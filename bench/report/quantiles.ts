// Quantiles and the "added latency" comparison against the direct baseline.

/** Linear-interpolated quantile (q in 0..1) of an ascending-sorted array; NaN when empty. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const pos = (n - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(pos);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export function sortedCopy(values: number[]): Float64Array {
  return Float64Array.from(values).sort();
}

export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
}

export function percentiles(sorted: ArrayLike<number>): Percentiles {
  return { p50: quantileSorted(sorted, 0.5), p95: quantileSorted(sorted, 0.95), p99: quantileSorted(sorted, 0.99) };
}

/**
 * Added latency at each percentile: the target's quantile minus the direct baseline's
 * quantile over samples taken in the same interleaved rounds (a shift function). Rounds
 * alternate targets, so slow drift of the machine lands on both sides and cancels.
 */
export function addedPercentiles(target: ArrayLike<number>, direct: ArrayLike<number>): Percentiles {
  const t = percentiles(target);
  const d = percentiles(direct);
  return { p50: t.p50 - d.p50, p95: t.p95 - d.p95, p99: t.p99 - d.p99 };
}

/** The shift function sampled at percentiles 1..99, for the chart. */
export function shiftCurve(target: ArrayLike<number>, direct: ArrayLike<number>): number[] {
  const curve: number[] = [];
  for (let p = 1; p <= 99; p++) curve.push(quantileSorted(target, p / 100) - quantileSorted(direct, p / 100));
  return curve;
}
