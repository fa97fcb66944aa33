import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../tools/broker/project-root';
import { startSpringPeer } from '../tools/spring/spring-process';
import type { BenchTopics, RunResult } from './bench-types';
import { runResult } from './run-result';
import type { JvmRequester } from './variants';

/** The `result` line of a JVM requester (peers/spring BenchReport.java). */
interface JvmResult {
  readonly latenciesMs: number[];
  readonly errors: number;
  readonly wrongReplies: number;
  readonly durationMs: number;
  readonly cappedByDuration: boolean;
  readonly readyMs: number;
  readonly cpuMs: number;
  readonly rssMiB: number;
  readonly heapUsedMiB: number;
}

/**
 * Runs a JVM requester (a Spring `ReplyingKafkaTemplate`, or the one-hop probe) with its own
 * closed loop, warm-up first, and turns what it measured into a table row. Its log goes to
 * bench/results/tmp.
 */
export async function runJvmRequester(
  requester: JvmRequester,
  job: {
    variant: string;
    topics: BenchTopics;
    concurrency: number;
    requests: number;
    warmup: number;
    capMs: number;
    classpath: string;
  },
): Promise<RunResult> {
  const logs = join(projectRoot(), 'bench', 'results', 'tmp');
  mkdirSync(logs, { recursive: true });
  const peer = startSpringPeer(
    requester.program,
    {
      'bootstrap-servers': job.topics.brokers.join(','),
      ...requester.args(job.topics),
      report: 'bench',
      count: job.requests,
      warmup: job.warmup,
      'in-flight': job.concurrency,
      'cap-ms': job.capMs,
    },
    { classpath: job.classpath, logFile: join(logs, `${job.variant}-${job.concurrency}.log`) },
  );
  try {
    // Start-up, warm-up and a measured phase each capped at capMs, with room for a loaded machine.
    const line = (await peer.waitFor('result', 3 * job.capMs + 120_000)) as unknown as JvmResult;
    return runResult({
      variant: job.variant,
      concurrency: job.concurrency,
      latenciesMs: line.latenciesMs,
      errors: line.errors,
      wrongReplies: line.wrongReplies,
      durationMs: line.durationMs,
      cappedByDuration: line.cappedByDuration,
      readyMs: line.readyMs,
      cpuMicros: line.cpuMs * 1000,
      rssMiB: line.rssMiB,
      heapUsedMiB: line.heapUsedMiB,
    });
  } finally {
    await peer.stop();
  }
}
