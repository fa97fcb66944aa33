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

/** The markdown table of every run, with throughput ratios against the baselines named. */
export function markdownTable(
  results: readonly RunResult[],
  labels: Record<string, string>,
  baselines: readonly string[],
): string {
  const header = [
    'variant',
    'in flight',
    'requests',
    'req/s',
    ...baselines.map((baseline) => `vs ${labels[baseline] ?? baseline}`),
    'p50 ms',
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
