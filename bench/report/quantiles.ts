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
 * Added latency at each percentile, pooled: the target's quantile minus the direct baseline's
 * quantile over all samples of the same interleaved rounds (a shift function).
 */
export function addedPercentiles(target: ArrayLike<number>, direct: ArrayLike<number>): Percentiles {
  const t = percentiles(target);
  const d = percentiles(direct);
  return { p50: t.p50 - d.p50, p95: t.p95 - d.p95, p99: t.p99 - d.p99 };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return quantileSorted(sorted, 0.5);
}

/**
 * Added latency paired by round: in every round, the target's quantile minus direct's
 * quantile from that same round; then the median over rounds. Rounds alternate targets within
 * a second or so, so drift of the machine lands on both sides of each difference, and a burst
 * of outside load that spoils one round does not move the median.
 */
export function pairedAddedCurve(target: ArrayLike<number>[], direct: ArrayLike<number>[], qs: number[]): number[] {
  return qs.map((q) => median(target.map((t, i) => quantileSorted(t, q) - quantileSorted(direct[i]!, q))));
}

export function pairedAddedPercentiles(target: ArrayLike<number>[], direct: ArrayLike<number>[]): Percentiles {
  const [p50, p95, p99] = pairedAddedCurve(target, direct, [0.5, 0.95, 0.99]) as [number, number, number];
  return { p50, p95, p99 };
}

/** Percentiles 1..99 as quantile fractions, for the chart's curves. */
export const CURVE_QUANTILES: number[] = Array.from({ length: 99 }, (_, i) => (i + 1) / 100);
