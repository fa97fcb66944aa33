import type { DemoTrace } from './demo-trace';
import type { DemoSummary } from './run-demo';
import { textTable } from './summary';
import { formatMs, treeOrder } from './trace-svg';

const ms = (value: number) => (Number.isNaN(value) ? '-' : value.toFixed(1));

/**
 * The demo's printed result: the outcome table, what each service process did, one stored user
 * and one queued email.
 *
 * @param summary what `runDemo` returned
 * @returns lines to print
 */
export function reportLines(summary: DemoSummary): string[] {
  const { load, shape } = summary;
  const lines = [
    '',
    ...textTable(
      ['requests', 'ok', 'duplicate errors', 'validation errors', 'other errors', 'p50 ms', 'p99 ms', 'req/s'],
      [
        [
          String(load.requests),
          String(load.counts.ok),
          String(load.counts.duplicate),
          String(load.counts.validation),
          String(load.counts.other),
          ms(load.p50Ms),
          ms(load.p99Ms),
          load.throughput.toFixed(0),
        ],
        ['expected', String(shape.created), String(shape.duplicates), String(shape.invalid), '0', '', '', ''],
      ],
    ),
    '  (p50/p99: HTTP round trips that went through Kafka, i.e. ok and duplicate)',
    '',
    `create-user records produced: ${summary.producedRequests} (requests that passed validation: ${load.requests - load.counts.validation})`,
    `users stored: ${summary.usersStored}; welcome emails queued: ${summary.emailsQueued}`,
    '',
    ...textTable(
      ['service', 'pid', 'port', 'report when stopped'],
      summary.services.map((service) => [
        service.instance,
        String(service.pid ?? '-'),
        service.port === null ? '-' : String(service.port),
        Object.entries(service.report)
          .map(([name, value]) => `${name} ${value}`)
          .join(', '),
      ]),
    ),
    '  (graphql "foreign": replies to the other instance read on the shared reply topic and dropped)',
  ];
  const failures = summary.results.filter((result) => result.outcome === 'other').slice(0, 5);
  if (failures.length > 0) {
    lines.push(
      '',
      'other errors (first 5):',
      ...failures.map((failure) => `  ${failure.request.email}: ${failure.code} ${failure.message ?? ''}`),
    );
  }
  lines.push(
    '',
    `stored user:  ${summary.sampleUser ? JSON.stringify(summary.sampleUser) : '(none)'}`,
    `outbox email: ${summary.sampleEmail ? JSON.stringify(summary.sampleEmail) : '(none)'}`,
  );
  return lines;
}

/**
 * The traced mutation, printed: its spans as a text waterfall, the steps of the consumer starts,
 * and where the picture went.
 *
 * @param trace what the demo traced
 * @param picture the SVG's path, as the reader should see it
 * @returns lines to print
 */
export function traceLines(trace: DemoTrace, picture: string): string[] {
  const start = trace.spans[0]?.startMs ?? 0;
  const lines = ['', `one createUser traced (served by ${trace.servedBy}), trace ${trace.traceId}:`];
  // Left-aligned, so the span names' indentation shows the tree.
  const rows = treeOrder(trace.spans).map(({ span, depth }) => [
    span.service,
    `${'  '.repeat(depth)}${span.name}`,
    `+${formatMs(span.startMs - start)}`,
    formatMs(span.endMs - span.startMs) + (span.error ? ` (${span.error})` : ''),
  ]);
  const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => row[column].length)));
  for (const row of rows) lines.push(`  ${row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ')}`);
  for (const consumer of trace.starts) {
    const steps = consumer.events.map((event) => `${event.name} +${formatMs(event.atMs - consumer.startMs)}`);
    lines.push(`${consumer.service} ${consumer.name}: ${steps.join(', ')}`);
  }
  lines.push(`trace picture: ${picture}`);
  return lines;
}
