import type { DemoTrace } from './demo-trace';
import type { DemoSummary } from './run-demo';
import { textTable } from './summary';
import { formatMs, treeOrder } from './trace-svg';

const ms = (value: number) => (Number.isNaN(value) ? '-' : value.toFixed(1));
const percent = (part: number, whole: number) => (whole === 0 ? '-' : `${((100 * part) / whole).toFixed(1)} %`);

/**
 * Per GraphQL instance: the replies it read on the user-created topic and how many of them were
 * another instance's, with what the reply mode promises.
 */
function replyLines(summary: DemoSummary): string[] {
  const graphql = summary.services.filter((service) => service.port !== null);
  const instances = graphql.length;
  const mode =
    summary.replies === 'leased'
      ? "leased ownership (--replies leased: replyPartition 'auto')"
      : 'shared reading (--replies shared)';
  const promise =
    summary.replies === 'leased'
      ? "  (leased: each instance reads only the partitions it leases, so it drops none of the others' replies)"
      : `  (shared: each instance reads every reply and drops the others', (N - 1) / N = ${percent(instances - 1, instances)} of what it reads)`;
  return [
    `replies on ${summary.topics.userCreated} (${summary.userCreatedPartitions} partitions), ${mode}:`,
    ...textTable(
      ['instance', 'replies read', 'its own', 'foreign (dropped)', 'foreign share'],
      graphql.map((service) => {
        const read = service.report.repliesRead ?? 0;
        const foreign = service.report.foreign ?? 0;
        return [service.instance, String(read), String(read - foreign), String(foreign), percent(foreign, read)];
      }),
    ),
    promise,
  ];
}

/**
 * The demo's printed result: the outcome table, what each service process did, the replies each
 * GraphQL instance read (and dropped as another's), one stored user and one queued email.
 *
 * @param summary what `runDemo` returned
 * @returns lines to print
 */
export function reportLines(summary: DemoSummary): string[] {
  const { load, shape } = summary;
  const lines = [
    '',
    ...textTable(
      [
        'requests',
        'ok',
        'duplicate errors',
        'validation errors',
        'other errors',
        'p50 ms',
        'p99 ms',
        'req/s',
        'time s',
      ],
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
          (load.elapsedMs / 1000).toFixed(1),
        ],
        ['expected', String(shape.created), String(shape.duplicates), String(shape.invalid), '0', '', '', '', ''],
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
    '',
    ...replyLines(summary),
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
