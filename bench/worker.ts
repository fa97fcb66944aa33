/**
 * One benchmark process: `responder` runs a variant's echo responder until told to stop;
 * `requester` sets a variant's requester up, warms it up, measures, and reports a RunResult.
 * Configuration arrives in the BENCH_JOB environment variable; messages go over IPC.
 */
import type { BenchTopics } from './bench-types';
import { closedLoop } from './closed-loop';
import { measurePendingMemory } from './pending-memory';
import { runResult } from './run-result';
import { isJvmRequester, variantNamed } from './variants';

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
  const variant = variantNamed(job.variant);
  await variant.load?.('responder');
  if (!variant.responder) throw new Error(`${job.variant} has no responder`);
  const responder = variant.responder(job.topics);
  await responder.ready();
  send({ type: 'ready' });
  process.on('message', (message: { type?: string }) => {
    if (message.type === 'stop') void responder.close().then(() => process.exit(0));
  });
}

async function runRequester(): Promise<void> {
  const variant = variantNamed(job.variant);
  if (isJvmRequester(variant.requester)) throw new Error(`${job.variant}'s requester is a JVM program`);
  await variant.load?.('requester');
  const startedAt = process.hrtime.bigint();
  const requester = variant.requester(job.topics);
  await requester.ready();
  await requester.call(-1); // the first request is possible now: ready time includes it
  const readyMs = Number(process.hrtime.bigint() - startedAt) / 1e6;
  await closedLoop(requester, job.warmup, job.concurrency, job.capMs);
  const cpuBefore = process.cpuUsage();
  const outcome = await closedLoop(requester, job.requests, job.concurrency, job.capMs, (done) =>
    send({ type: 'progress', done }),
  );
  const cpu = process.cpuUsage(cpuBefore);
  const result = runResult({
    variant: job.variant,
    concurrency: job.concurrency,
    ...outcome,
    readyMs,
    cpuMicros: cpu.user + cpu.system,
    rssMiB: process.resourceUsage().maxRSS / 1024,
    heapUsedMiB: process.memoryUsage().heapUsed / 2 ** 20,
  });
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
