/** The value at quantile `q` (0..1) of sorted `values` (nearest rank). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

/** At most `points` evenly spaced samples of sorted `values`, always keeping the last. */
export function thin(sorted: readonly number[], points = 200): number[] {
  if (sorted.length <= points) return [...sorted];
  return Array.from(
    { length: points },
    (_, index) => sorted[Math.round((index * (sorted.length - 1)) / (points - 1))]!,
  );
}
