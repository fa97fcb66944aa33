/**
 * `npm run demo`: the seed's create-user flow (Figure 1, steps 1-7) on a real Kafka broker.
 * Starts a local broker (or uses KAFKA_BROKERS), runs `runDemo` with a progress line, prints the
 * report, and stops everything. Ctrl-C stops sending and still shuts down cleanly.
 *   npm run demo -- --requests 500 --concurrency 64
 *   npm run demo -- --instances 3 --replies shared
 */
import { join, relative, resolve } from 'node:path';
import { acquireKafka, KafkaForRun } from '../../tools/broker/acquire-kafka';
import { demoSettings, usage } from './demo-options';
import { progressPrinter } from './progress';
import { reportLines, traceLines } from './report';
import { runDemo } from './run-demo';

async function main(): Promise<number> {
  const settings = demoSettings(process.argv.slice(2), process.env);
  if (settings.help) {
    console.log(usage);
    return 0;
  }
  // build/examples/create-user/main.js: the picture goes to build/demo/ unless told otherwise.
  const traceSvgPath = resolve(settings.traceSvg ?? join(__dirname, '..', '..', 'demo', 'create-user-trace.svg'));
  const aborting = new AbortController();
  const progress = progressPrinter(process.stdout);
  const interrupt = () => {
    progress.log('interrupted: finishing the requests in flight, then shutting down');
    aborting.abort();
  };
  process.on('SIGINT', interrupt);
  let kafka: KafkaForRun | undefined;
  try {
    kafka = await acquireKafka({ log: (line) => console.log(`[kafka] ${line}`) });
    console.log(`[kafka] ${kafka.describe} at ${kafka.brokers.join(',')}`);
    const summary = await runDemo({
      brokers: kafka.brokers,
      requests: settings.requests,
      concurrency: settings.concurrency,
      graphqlInstances: settings.instances,
      replies: settings.replies,
      log: (line) => progress.log(`[demo] ${line}`),
      onProgress: (state) => progress.update(state),
      signal: aborting.signal,
      traceSvgPath,
    });
    progress.finish();
    for (const line of reportLines(summary)) console.log(line);
    if (summary.trace) {
      const shown = relative(process.cwd(), traceSvgPath);
      for (const line of traceLines(summary.trace, shown.startsWith('..') ? traceSvgPath : shown)) console.log(line);
    }
    const expected = summary.shape;
    const asExpected =
      summary.load.counts.ok === expected.created &&
      summary.load.counts.duplicate === expected.duplicates &&
      summary.load.counts.validation === expected.invalid &&
      summary.load.counts.other === 0;
    if (aborting.signal.aborted)
      console.log(`\ninterrupted after ${summary.load.requests} of ${settings.requests} requests`);
    else console.log(asExpected ? '\nevery request ended as expected' : '\nsome requests did not end as expected');
    return asExpected || aborting.signal.aborted ? 0 : 1;
  } finally {
    progress.finish();
    if (kafka) {
      await kafka.release();
      if (!kafka.external) console.log('[kafka] broker stopped');
    }
    process.off('SIGINT', interrupt);
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);
