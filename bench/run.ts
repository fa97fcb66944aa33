/**
 * Request/reply benchmarks, side by side in one run on one broker: every variant in
 * bench/variants.ts, at 1, 64 and 1024 requests in flight, each requester and responder in its own
 * process. Prints a table and, after a complete run (every variant at 1, 64 and 1024, memory
 * included, no errors), writes bench/results/<mode>/results.{json,md} and a latency plot per
 * concurrency; a run of a subset writes to bench/results/tmp/ instead, and a failed run writes
 * nothing. The JVM variants (Spring's ReplyingKafkaTemplate, the one-hop floor) run programs of
 * peers/spring, which the first run builds with Maven (tools/spring/provision.ts). The command line is parsed strictly: an unknown flag or variant exits with 2.
 *
 *   npm run bench                  full run (a few minutes)
 *   npm run bench -- --quick       small counts, as CI runs it (asserts nothing about speed)
 *   npm run bench -- --variants=kafkajs-floor,pubscribe-header --concurrency=64
 *   npm run bench -- --quick --variants=spring,kafka-one-hop --no-memory   the JVM rows only
 *   npm run bench -- --rebalance-delay=0   the broker's group.initial.rebalance.delay.ms (default:
 *                                          3000, Kafka's own default, what production brokers run)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { acquireKafka } from '../tools/broker/acquire-kafka';
import { projectRoot } from '../tools/broker/project-root';
import { ensureSpringPeerBuilt } from '../tools/spring/provision';
import { measurePendingMemoryProcess, runRequesterProcess, startResponderProcess } from './bench-processes';
import type { PendingMemoryResult } from './pending-memory';
import type { RunResult } from './bench-types';
import { runJvmRequester } from './jvm-requester';
import { latencyPlot } from './latency-plot';
import { markdownTable } from './report';
import { isJvmRequester, variants } from './variants';
import { BenchArgs, benchUsage, BenchUsageError, parseBenchArgs } from './bench-args';

interface Plan {
  readonly requests: number;
  readonly warmup: number;
  readonly capMs: number;
}

function parsedArgs(): BenchArgs {
  try {
    return parseBenchArgs(
      process.argv.slice(2),
      variants.map((variant) => variant.name),
    );
  } catch (error) {
    if (!(error instanceof BenchUsageError)) throw error;
    console.error(`${error.message}\n${benchUsage}`);
    process.exit(2);
  }
}

const args = parsedArgs();
if (args.help) {
  console.log(benchUsage);
  process.exit(0);
}
const { quick, concurrencies, rebalanceDelayMs } = args;
const selected = variants.filter((variant) => args.variants.includes(variant.name));

function plan(variant: string, concurrency: number): Plan {
  const oneShot = variant.startsWith('one-shot');
  if (quick) {
    const requests = oneShot ? Math.max(3, concurrency) : Math.max(20, concurrency * 2);
    return { requests, warmup: oneShot ? 1 : Math.min(concurrency, 64), capMs: 30_000 };
  }
  const requests = { 1: 1_000, 64: 10_000, 1024: 30_000 }[concurrency] ?? concurrency * 20;
  return {
    requests: oneShot ? Math.max(20, Math.floor(requests / 40)) : requests,
    warmup: oneShot ? 2 : Math.min(requests / 10, 2_048),
    capMs: 60_000,
  };
}

const labels = Object.fromEntries(variants.map((variant) => [variant.name, variant.label]));
const tty = process.stdout.isTTY;
const progress = (line: string) => (tty ? process.stdout.write(`\r\x1b[2K${line}`) : undefined);

async function main(): Promise<void> {
  // The JVM variants' programs, built with Maven on the first run (tools/spring/provision.ts).
  const spring = selected.some((variant) => isJvmRequester(variant.requester))
    ? ensureSpringPeerBuilt((line) => console.log(`[spring] ${line}`))
    : undefined;
  const kafka = await acquireKafka({
    log: (line) => console.log(`[kafka] ${line}`),
    overrides: { 'group.initial.rebalance.delay.ms': rebalanceDelayMs },
  });
  const admin = new Kafka({ clientId: 'bench-admin', brokers: [...kafka.brokers], logLevel: logLevel.NOTHING }).admin();
  const results: RunResult[] = [];
  const skipped: string[] = [];
  let memory: PendingMemoryResult | undefined;
  const runs = selected.flatMap((variant) => concurrencies.map((concurrency) => ({ variant, concurrency })));
  const startedAt = new Date();
  try {
    await admin.connect();
    for (const [index, { variant, concurrency }] of runs.entries()) {
      const reason = variant.skip?.[concurrency];
      if (reason) {
        skipped.push(`${variant.label} at ${concurrency} in flight: not run (${reason})`);
        continue;
      }
      const id = `${variant.name}-${concurrency}-${Date.now().toString(36)}`;
      const topics = {
        brokers: kafka.brokers,
        requests: `bench-requests-${id}`,
        replies: `bench-replies-${id}`,
        groupPrefix: `bench-${id}`,
      };
      // NestJS's ClientKafka always replies on `<request topic>.reply`; the broker does not
      // auto-create topics, so every run gets that one too, with the same layout.
      const nestReplies = `${topics.requests}.reply`;
      await admin.createTopics({
        topics: [
          { topic: topics.requests, numPartitions: 4 },
          { topic: topics.replies, numPartitions: 4 },
          { topic: nestReplies, numPartitions: 4 },
        ],
        waitForLeaders: true,
      });
      const runPlan = plan(variant.name, concurrency);
      const title = `[${index + 1}/${runs.length}] ${variant.label}, ${concurrency} in flight`;
      progress(`${title}: starting`);
      const responder = variant.responder ? await startResponderProcess(variant.name, topics) : undefined;
      try {
        const job = { variant: variant.name, topics, concurrency, ...runPlan };
        const result = isJvmRequester(variant.requester)
          ? await runJvmRequester(variant.requester, { ...job, classpath: spring!.classpath })
          : await runRequesterProcess(job, (done) => progress(`${title}: ${done}/${runPlan.requests}`));
        results.push(result);
        const line = `${title}: ${result.throughput.toFixed(0)} req/s, p50 ${result.latencyMs.p50.toFixed(1)} ms, p99 ${result.latencyMs.p99.toFixed(1)} ms`;
        if (tty) progress(`${line}\n`);
        else console.log(line);
      } finally {
        await responder?.stop();
        await admin.deleteTopics({ topics: [topics.requests, topics.replies, nestReplies] }).catch(() => undefined);
      }
    }
    if (args.memory) {
      progress('pending-request memory: measuring');
      const id = `pending-${Date.now().toString(36)}`;
      const topics = {
        brokers: kafka.brokers,
        requests: `bench-requests-${id}`,
        replies: `bench-replies-${id}`,
        groupPrefix: `bench-${id}`,
      };
      await admin.createTopics({
        topics: [
          { topic: topics.requests, numPartitions: 4 },
          { topic: topics.replies, numPartitions: 4 },
        ],
        waitForLeaders: true,
      });
      memory = await measurePendingMemoryProcess(topics, quick ? 2_000 : 20_000);
      await admin.deleteTopics({ topics: [topics.requests, topics.replies] }).catch(() => undefined);
      const line = `pending-request memory: ${memory.heapBytesPerPending} heap bytes per pending request (${memory.pendingRequests} pending)`;
      if (tty) progress(`${line}\n`);
      else console.log(line);
    }
  } finally {
    await admin.disconnect();
    await kafka.release();
  }

  const baselines = ['kafkajs-floor', 'nestjs'];
  const table = markdownTable(results, labels, baselines, 'kafka-one-hop');
  const settings = kafka.external
    ? `external cluster (${kafka.describe}); its group.initial.rebalance.delay.ms is not known here`
    : `${kafka.describe}, group.initial.rebalance.delay.ms=${rebalanceDelayMs}, one combined broker+controller node, -Xmx384m`;
  const machine = `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
  const markdown = [
    `# Benchmark results (${quick ? 'quick' : 'full'} run)`,
    '',
    `Run ${startedAt.toISOString()} on ${machine}; broker: ${settings}.`,
    'Topics: 4 request partitions, 4 reply partitions, fresh per run. Requester and responder each in its own process.',
    'Throughput counts completed round trips over the measured phase (warm-up excluded); CPU and RSS are the requester process.',
    '',
    table,
    '',
    ...skipped.map((line) => `- ${line}`),
    ...(memory
      ? [
          '',
          `Pending-request memory (pubscribe requester): ${memory.heapBytesPerPending} heap bytes per pending request, ` +
            `measured with ${memory.pendingRequests} unanswered requests (heap ${memory.heapBeforeMiB.toFixed(1)} MiB before, ` +
            `${memory.heapWithPendingMiB.toFixed(1)} MiB with them pending, ${memory.heapAfterCancelMiB.toFixed(1)} MiB after ` +
            `cancelling them; pending after cancel: ${memory.pendingAfterCancel}).`,
        ]
      : []),
  ].join('\n');
  console.log(`\n${table}\n`);
  for (const line of skipped) console.log(`- ${line}`);
  if (memory) console.log(`- pending-request memory: ${memory.heapBytesPerPending} heap bytes per pending request`);
  const broken = results.filter((result) => result.errors + result.wrongReplies > 0);
  if (broken.length > 0 || results.length === 0) {
    // The committed results stay as they were: a failed or empty run replaces nothing.
    console.error(
      results.length === 0
        ? 'no run completed; nothing written'
        : `runs with errors or wrong replies: ${broken.map((r) => `${r.variant}@${r.concurrency}`).join(', ')}; nothing written`,
    );
    process.exitCode = 1;
    return;
  }
  const folder = join(projectRoot(), 'bench', 'results', args.complete ? (quick ? 'quick' : 'full') : 'tmp');
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'results.md'), `${markdown}\n`);
  writeFileSync(
    join(folder, 'results.json'),
    `${JSON.stringify({ startedAt, machine, broker: settings, quick, results, skipped, pendingMemory: memory }, null, 2)}\n`,
  );
  for (const concurrency of concurrencies) {
    const atConcurrency = results.filter((result) => result.concurrency === concurrency);
    if (atConcurrency.length > 0) {
      writeFileSync(join(folder, `latency-${concurrency}.svg`), latencyPlot(atConcurrency, labels, concurrency));
    }
  }
  console.log(`\nwritten to ${folder}${args.complete ? '' : ' (a partial run: the committed results are unchanged)'}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
