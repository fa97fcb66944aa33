import type { RunResult } from './bench-types';
import { quantile, thin } from './latency-stats';

/** What a closed-loop run measured, from a Node worker or a JVM requester alike. */
export interface Measured {
  readonly variant: string;
  readonly concurrency: number;
  /** Latencies of the answered requests, in milliseconds, in any order. */
  readonly latenciesMs: readonly number[];
  readonly errors: number;
  readonly wrongReplies: number;
  readonly durationMs: number;
  readonly cappedByDuration: boolean;
  readonly readyMs: number;
  /** CPU time of the requester process during the measured phase, in microseconds. */
  readonly cpuMicros: number;
  readonly rssMiB: number;
  readonly heapUsedMiB: number;
}

/** The table row of a run: throughput, latency quantiles, the thinned curve and the per-request CPU. */
export function runResult(measured: Measured): RunResult {
  const sorted = [...measured.latenciesMs].sort((a, b) => a - b);
  const completed = sorted.length + measured.errors;
  return {
    variant: measured.variant,
    concurrency: measured.concurrency,
    requests: completed,
    errors: measured.errors,
    wrongReplies: measured.wrongReplies,
    durationMs: measured.durationMs,
    throughput: (1000 * sorted.length) / measured.durationMs,
    latencyMs: {
      p50: quantile(sorted, 0.5),
      p90: quantile(sorted, 0.9),
      p99: quantile(sorted, 0.99),
      max: quantile(sorted, 1),
    },
    latencyCurve: thin(sorted),
    readyMs: measured.readyMs,
    cpuMicrosPerRequest: measured.cpuMicros / Math.max(1, completed),
    rssMiB: measured.rssMiB,
    heapUsedMiB: measured.heapUsedMiB,
    cappedByDuration: measured.cappedByDuration,
  };
}
