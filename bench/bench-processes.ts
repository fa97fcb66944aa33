import { ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import type { BenchTopics, RunResult } from './bench-types';
import type { PendingMemoryResult } from './pending-memory';

interface WorkerMessage {
  readonly type: 'ready' | 'progress' | 'result' | 'failed';
  readonly done?: number;
  readonly result?: RunResult;
  readonly message?: string;
}

function startWorker(job: { readonly role: string; readonly [field: string]: unknown }): ChildProcess {
  // BENCH_PROFILE=requester (or responder) writes a V8 CPU profile of that side to bench/results/profiles.
  const profile = process.env.BENCH_PROFILE === job.role;
  const execArgv = profile
    ? ['--cpu-prof', `--cpu-prof-dir=${join(__dirname, '..', '..', 'bench', 'results', 'profiles')}`]
    : [];
  // Measuring the heap needs a full collection on demand.
  if (job.role === 'pending-memory') execArgv.push('--expose-gc');
  return fork(join(__dirname, 'worker.js'), [], {
    execArgv,
    env: { ...process.env, BENCH_JOB: JSON.stringify(job) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

/** Starts a variant's responder in its own process; resolves once it is ready. */
export function startResponderProcess(variant: string, topics: BenchTopics): Promise<{ stop(): Promise<void> }> {
  const child = startWorker({ role: 'responder', variant, topics });
  return new Promise((resolve, reject) => {
    child.on('message', (message: WorkerMessage) => {
      if (message.type === 'ready') {
        resolve({
          stop: () =>
            new Promise<void>((stopped) => {
              if (child.exitCode !== null) return stopped();
              const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
              child.once('exit', () => {
                clearTimeout(timer);
                stopped();
              });
              child.send({ type: 'stop' });
            }),
        });
      }
      if (message.type === 'failed') reject(new Error(`${variant} responder: ${message.message}`));
    });
    child.once('exit', (code) => reject(new Error(`${variant} responder exited with ${code}`)));
  });
}

/** Runs a variant's requester in its own process and resolves with what it measured. */
export function runRequesterProcess(
  job: { variant: string; topics: BenchTopics; concurrency: number; requests: number; warmup: number; capMs: number },
  onProgress: (done: number) => void,
): Promise<RunResult> {
  const child = startWorker({ role: 'requester', ...job });
  return new Promise((resolve, reject) => {
    let result: RunResult | undefined;
    child.on('message', (message: WorkerMessage) => {
      if (message.type === 'progress' && message.done !== undefined) onProgress(message.done);
      if (message.type === 'result') result = message.result;
      if (message.type === 'failed') reject(new Error(`${job.variant} requester: ${message.message}`));
    });
    child.once('exit', (code) =>
      result ? resolve(result) : reject(new Error(`${job.variant} requester exited with ${code} before reporting`)),
    );
  });
}

/** Measures the heap cost of pending requests in a fresh process (with --expose-gc). */
export function measurePendingMemoryProcess(topics: BenchTopics, requests: number): Promise<PendingMemoryResult> {
  const child = startWorker({ role: 'pending-memory', topics, requests });
  return new Promise((resolve, reject) => {
    let result: PendingMemoryResult | undefined;
    child.on('message', (message: { type: string; result?: PendingMemoryResult; message?: string }) => {
      if (message.type === 'result') result = message.result;
      if (message.type === 'failed') reject(new Error(`pending-memory: ${message.message}`));
    });
    child.once('exit', (code) => (result ? resolve(result) : reject(new Error(`pending-memory exited with ${code}`))));
  });
}
