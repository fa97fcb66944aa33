/**
 * Soak: the pubscribe requester at a steady 1,000 requests in flight for 10 minutes (by default)
 * against a pubscribe responder in its own process. Samples RSS and heap every 5 s, latency
 * percentiles per minute, and counts every request: none may be lost.
 *
 *   npm run soak                       10 minutes
 *   npm run soak -- --minutes=2 --in-flight=500
 *
 * Writes bench/results/soak/{soak.json,soak.md,memory.svg}.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { acquireKafka } from '../tools/broker/acquire-kafka';
import { projectRoot } from '../tools/broker/project-root';
import { startResponderProcess } from './bench-processes';
import { quantile } from './latency-stats';
import { pubscribeRequester } from './requesters/pubscribe-requester';
import { memoryPlot, MemorySample } from './memory-plot';

const args = new Map(
  process.argv.slice(2).map((arg) => {
    const [key, value] = arg.replace(/^--/, '').split('=');
    return [key!, value ?? 'true'] as const;
  }),
);
const minutes = Number(args.get('minutes') ?? 10);
const inFlight = Number(args.get('in-flight') ?? 1000);
const sampleEveryMs = 5_000;

interface MinuteStats {
  readonly minute: number;
  readonly answered: number;
  readonly errors: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

async function main(): Promise<void> {
  const kafka = await acquireKafka({ log: (line) => console.log(`[kafka] ${line}`) });
  const admin = new Kafka({ clientId: 'soak-admin', brokers: [...kafka.brokers], logLevel: logLevel.NOTHING }).admin();
  const id = `soak-${Date.now().toString(36)}`;
  const topics = { brokers: kafka.brokers, requests: `${id}-requests`, replies: `${id}-replies`, groupPrefix: id };
  await admin.connect();
  await admin.createTopics({
    topics: [
      { topic: topics.requests, numPartitions: 4 },
      { topic: topics.replies, numPartitions: 4 },
    ],
    waitForLeaders: true,
  });
  const responder = await startResponderProcess('pubscribe-header', topics);
  const requester = pubscribeRequester(topics, false);
  await requester.ready();

  const samples: MemorySample[] = [];
  const perMinute: MinuteStats[] = [];
  let latencies: number[] = [];
  let minuteErrors = 0;
  let sent = 0;
  let answered = 0;
  let wrong = 0;
  let errors = 0;
  const started = process.hrtime.bigint();
  const elapsedMs = () => Number(process.hrtime.bigint() - started) / 1e6;
  const endAt = minutes * 60_000;

  const sampler = setInterval(() => {
    const memory = process.memoryUsage();
    samples.push({ atSeconds: elapsedMs() / 1000, rssMiB: memory.rss / 2 ** 20, heapMiB: memory.heapUsed / 2 ** 20 });
  }, sampleEveryMs);
  const closeMinute = () => {
    const sorted = latencies.sort((a, b) => a - b);
    const stats: MinuteStats = {
      minute: perMinute.length + 1,
      answered: sorted.length,
      errors: minuteErrors,
      p50: quantile(sorted, 0.5),
      p90: quantile(sorted, 0.9),
      p99: quantile(sorted, 0.99),
      max: quantile(sorted, 1),
    };
    perMinute.push(stats);
    latencies = [];
    minuteErrors = 0;
    const memory = process.memoryUsage();
    console.log(
      `minute ${stats.minute}/${minutes}: ${stats.answered} answered (${(stats.answered / 60).toFixed(0)} req/s), errors ${stats.errors}, ` +
        `p50 ${stats.p50.toFixed(1)} ms, p99 ${stats.p99.toFixed(1)} ms, max ${stats.max.toFixed(1)} ms; ` +
        `RSS ${(memory.rss / 2 ** 20).toFixed(0)} MiB, heap ${(memory.heapUsed / 2 ** 20).toFixed(0)} MiB`,
    );
  };
  const minuteTimer = setInterval(() => closeMinute(), 60_000);

  const worker = async () => {
    while (elapsedMs() < endAt) {
      const n = sent++;
      const begun = process.hrtime.bigint();
      try {
        const echoed = await requester.call(n);
        latencies.push(Number(process.hrtime.bigint() - begun) / 1e6);
        answered += 1;
        if (echoed !== n) wrong += 1;
      } catch {
        errors += 1;
        minuteErrors += 1;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: inFlight }, worker));
  } finally {
    clearInterval(sampler);
    clearInterval(minuteTimer);
    // The last minute (its timer races the end of the run), with the requests that were in flight.
    if (latencies.length > 0) closeMinute();
    await requester.close();
    await responder.stop();
    await admin.deleteTopics({ topics: [topics.requests, topics.replies] }).catch(() => undefined);
    await admin.disconnect();
    await kafka.release();
  }

  const lost = sent - answered - errors;
  const folder = join(projectRoot(), 'bench', 'results', 'soak');
  mkdirSync(folder, { recursive: true });
  const summary = { minutes, inFlight, sent, answered, wrongReplies: wrong, errors, lost, perMinute, samples };
  writeFileSync(join(folder, 'soak.json'), `${JSON.stringify(summary, null, 2)}\n`);
  writeFileSync(
    join(folder, 'memory.svg'),
    memoryPlot(samples, `Requester memory, ${inFlight} in flight for ${minutes} min`),
  );
  const rows = perMinute.map(
    (m) =>
      `| ${m.minute} | ${m.answered} | ${(m.answered / 60).toFixed(0)} | ${m.errors} | ${m.p50.toFixed(1)} | ${m.p90.toFixed(1)} | ${m.p99.toFixed(1)} | ${m.max.toFixed(1)} |`,
  );
  const first = samples[0];
  const last = samples[samples.length - 1];
  const markdown = [
    `# Soak: ${inFlight} requests in flight for ${minutes} minutes`,
    '',
    `sent ${sent}, answered ${answered}, wrong replies ${wrong}, errors ${errors}, lost ${lost}.`,
    first && last
      ? `Requester RSS ${first.rssMiB.toFixed(0)} MiB at ${first.atSeconds.toFixed(0)} s, ${last.rssMiB.toFixed(0)} MiB at the end; heap ${first.heapMiB.toFixed(0)} -> ${last.heapMiB.toFixed(0)} MiB (plot: memory.svg).`
      : '',
    '',
    '| minute | answered | req/s | errors | p50 ms | p90 ms | p99 ms | max ms |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
  writeFileSync(join(folder, 'soak.md'), `${markdown}\n`);
  console.log(`\n${markdown}\n\nwritten to ${folder}`);
  if (lost > 0 || wrong > 0 || errors > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
