/**
 * One benchmark process: `responder` runs a variant's echo responder until told to stop;
 * `requester` sets a variant's requester up, warms it up, measures, and reports a RunResult.
 * Configuration arrives in the BENCH_JOB environment variable; messages go over IPC.
 */
import type { BenchTopics, RunResult } from './bench-types';
import { closedLoop } from './closed-loop';
import { quantile, thin } from './latency-stats';
import { measurePendingMemory } from './pending-memory';
import { variantNamed } from './variants';

interface Job {
  readonly role: 'responder' | 'requester' | 'pending-memory';
  readonly variant: string;
  readonly topics: BenchTopics;
  readonly concurrency: number;
  readonly requests: number;
  readonly warmup: number;
  readonly capMs: number;
}

const job = JSON.parse(process.env.BENCH_JOB ?? '{}') as Job;
const send = (message: unknown) => process.send?.(message);

async function runResponder(): Promise<void> {
  await variantNamed(job.variant).load?.('responder');
  const responder = variantNamed(job.variant).responder(job.topics);
  await responder.ready();
  send({ type: 'ready' });
  process.on('message', (message: { type?: string }) => {
    if (message.type === 'stop') void responder.close().then(() => process.exit(0));
  });
}

async function runRequester(): Promise<void> {
  await variantNamed(job.variant).load?.('requester');
  const startedAt = process.hrtime.bigint();
  const requester = variantNamed(job.variant).requester(job.topics);
  await requester.ready();
  await requester.call(-1); // the first request is possible now: ready time includes it
  const readyMs = Number(process.hrtime.bigint() - startedAt) / 1e6;
  await closedLoop(requester, job.warmup, job.concurrency, job.capMs);
  const cpuBefore = process.cpuUsage();
  const outcome = await closedLoop(requester, job.requests, job.concurrency, job.capMs, (done) =>
    send({ type: 'progress', done }),
  );
  const cpu = process.cpuUsage(cpuBefore);
  const sorted = [...outcome.latenciesMs].sort((a, b) => a - b);
  const completed = sorted.length + outcome.errors;
  const memory = process.memoryUsage();
  const result: RunResult = {
    variant: job.variant,
    concurrency: job.concurrency,
    requests: completed,
    errors: outcome.errors,
    wrongReplies: outcome.wrongReplies,
    durationMs: outcome.durationMs,
    throughput: (1000 * sorted.length) / outcome.durationMs,
    latencyMs: {
      p50: quantile(sorted, 0.5),
      p90: quantile(sorted, 0.9),
      p99: quantile(sorted, 0.99),
      max: quantile(sorted, 1),
    },
    latencyCurve: thin(sorted),
    readyMs,
    cpuMicrosPerRequest: (cpu.user + cpu.system) / Math.max(1, completed),
    rssMiB: process.resourceUsage().maxRSS / 1024,
    heapUsedMiB: memory.heapUsed / 2 ** 20,
    cappedByDuration: outcome.cappedByDuration,
  };
  await requester.close();
  send({ type: 'result', result });
}

const roles = {
  responder: runResponder,
  requester: runRequester,
  'pending-memory': async () => send({ type: 'result', result: await measurePendingMemory(job.topics, job.requests) }),
};

roles[job.role]().catch((error: unknown) => {
  send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  process.exit(1);
});
