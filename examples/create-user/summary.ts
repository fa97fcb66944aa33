import type { Outcome } from './create-user-client';
import type { LoadResult } from './load';

/** The batch's counts and latencies. */
export interface LoadSummary {
  readonly requests: number;
  readonly counts: Readonly<Record<Outcome, number>>;
  /** Latency percentiles of the requests that made the Kafka round trip (ok and duplicate). */
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly elapsedMs: number;
  /** Requests per second over the whole batch. */
  readonly throughput: number;
}

/**
 * The nearest-rank percentile.
 *
 * @param values samples, in any order
 * @param percent 0..100
 * @returns the value at that rank; NaN without samples
 */
export function percentile(values: readonly number[], percent: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((percent / 100) * sorted.length) - 1))];
}

/**
 * Counts outcomes and measures latency. Validation errors are left out of the percentiles: they
 * never reach Kafka, and their sub-millisecond answers would flatter the round trip.
 *
 * @param results the batch's results
 * @param elapsedMs wall time of the batch
 * @returns the summary
 */
export function summarise(results: readonly LoadResult[], elapsedMs: number): LoadSummary {
  const counts: Record<Outcome, number> = { ok: 0, duplicate: 0, validation: 0, other: 0 };
  for (const result of results) counts[result.outcome] += 1;
  const roundTrips = results
    .filter((result) => result.outcome === 'ok' || result.outcome === 'duplicate')
    .map((result) => result.latencyMs);
  return {
    requests: results.length,
    counts,
    p50Ms: percentile(roundTrips, 50),
    p99Ms: percentile(roundTrips, 99),
    elapsedMs,
    throughput: results.length / Math.max(elapsedMs / 1000, 0.001),
  };
}

/**
 * Renders rows as an aligned text table with a header rule.
 *
 * @param header column titles
 * @param rows cells, already formatted
 * @returns the table's lines
 */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)));
  const line = (cells: readonly string[]) => cells.map((cell, column) => cell.padStart(widths[column])).join('  ');
  return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)];
}
