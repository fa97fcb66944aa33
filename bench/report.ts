import type { RunResult } from './bench-types';

const fixed = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');

/** Throughput ratio of `result` against the same concurrency's run of `baseline`. */
export function ratio(result: RunResult, results: readonly RunResult[], baseline: string): string {
  const base = results.find(
    (candidate) => candidate.variant === baseline && candidate.concurrency === result.concurrency,
  );
  if (!base || base.throughput <= 0) return 'n/a';
  const value = result.throughput / base.throughput;
  return `${value >= 0.1 ? value.toFixed(2) : value.toPrecision(2)}x`;
}

/**
 * The p50 latency of `result` as a multiple of the p50 of `hop` (Kafka's own one-hop
 * produce-to-consume latency) at the same concurrency: a request/reply round trip is two hops, so
 * 2.0 is the floor.
 */
export function inHops(result: RunResult, results: readonly RunResult[], hop: string): string {
  const base = results.find((candidate) => candidate.variant === hop && candidate.concurrency === result.concurrency);
  if (!base || !(base.latencyMs.p50 > 0)) return 'n/a';
  return (result.latencyMs.p50 / base.latencyMs.p50).toFixed(1);
}

/**
 * The markdown table of every run, with throughput ratios against the baselines named, and, when
 * `hop` names a variant that ran, each p50 as a multiple of that one-hop floor.
 */
export function markdownTable(
  results: readonly RunResult[],
  labels: Record<string, string>,
  baselines: readonly string[],
  hop?: string,
): string {
  const hops = hop !== undefined && results.some((result) => result.variant === hop) ? hop : undefined;
  const header = [
    'variant',
    'in flight',
    'requests',
    'req/s',
    ...baselines.map((baseline) => `vs ${labels[baseline] ?? baseline}`),
    'p50 ms',
    ...(hops ? ['p50 in hops'] : []),
    'p90 ms',
    'p99 ms',
    'max ms',
    'CPU µs/req',
    'RSS MiB',
    'ready ms',
    'errors',
  ];
  const rows = results.map((result) => [
    labels[result.variant] ?? result.variant,
    String(result.concurrency),
    `${result.requests}${result.cappedByDuration ? ' (capped)' : ''}`,
    fixed(result.throughput, result.throughput < 10 ? 2 : 0),
    ...baselines.map((baseline) => ratio(result, results, baseline)),
    fixed(result.latencyMs.p50),
    ...(hops ? [inHops(result, results, hops)] : []),
    fixed(result.latencyMs.p90),
    fixed(result.latencyMs.p99),
    fixed(result.latencyMs.max),
    fixed(result.cpuMicrosPerRequest, 0),
    fixed(result.rssMiB, 0),
    fixed(result.readyMs, 0),
    String(result.errors + result.wrongReplies),
  ]);
  return [header, header.map(() => '---'), ...rows].map((row) => `| ${row.join(' | ')} |`).join('\n');
}
