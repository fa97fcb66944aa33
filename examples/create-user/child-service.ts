import { ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import * as E from 'fp-ts/lib/Either.js';
import type { DemoSpan } from './demo-span';
import { ChildMessage, ServiceConfig, ServiceReport } from './service-config';

/** A service running in its own Node process. */
export interface ChildService {
  readonly instance: string;
  readonly pid: number | undefined;
  /** The HTTP port of a GraphQL instance; null for the others. */
  readonly port: number | null;
  /** Asks the service to stop, waits until the process has exited, and returns its counters. */
  stop(): Promise<ServiceReport>;
  /** The spans the service sent so far (all of them, once stopped); none unless started with `trace`. */
  spans(): readonly DemoSpan[];
}

/** Options of {@link startChildService}. */
export interface ChildServiceOptions {
  /** Receives the child's stdout and stderr, line by line, prefixed with its instance name. */
  readonly log: (line: string) => void;
  /** Give up (and kill the child) when it is not ready by then. Default 60 000 ms. */
  readonly readyTimeoutMs?: number;
  /** How long a stopping child may take before it is killed. Default 15 000 ms. */
  readonly stopTimeoutMs?: number;
}

const entryPoint = join(__dirname, 'service-process.js');

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

function forward(child: ChildProcess, instance: string, log: (line: string) => void): void {
  for (const stream of [child.stdout, child.stderr]) {
    if (stream) createInterface({ input: stream }).on('line', (line) => log(`[${instance}] ${line}`));
  }
}

/**
 * Forks `service-process.js` with `config` and resolves once the service says it is ready. The
 * child is tied to this process by its IPC channel: should this process die, the channel closes
 * and the child shuts down instead of lingering.
 *
 * @param config which service, and its settings
 * @param options where its output goes, and time limits
 * @returns the running child
 */
export function startChildService(config: ServiceConfig, options: ChildServiceOptions): Promise<ChildService> {
  const child = fork(entryPoint, [JSON.stringify(config)], {
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    execArgv: ['--enable-source-maps'],
    env: { ...process.env, KAFKAJS_NO_PARTITIONER_WARNING: '1' },
  });
  forward(child, config.instance, options.log);
  let report: ServiceReport = {};
  const messages: ChildMessage[] = [];
  const spans: DemoSpan[] = [];
  child.on('message', (message: unknown) => {
    const decoded = ChildMessage.decode(message);
    if (E.isLeft(decoded)) return;
    if (decoded.right.type === 'spans') {
      spans.push(...decoded.right.spans);
      return;
    }
    messages.push(decoded.right);
    if (decoded.right.type === 'stopped') report = decoded.right.report;
  });
  const gone = exited(child);

  const stop = async (): Promise<ServiceReport> => {
    if (child.exitCode === null && child.signalCode === null) {
      if (child.connected) child.send({ type: 'shutdown' });
      else child.kill('SIGTERM');
      const timer = setTimeout(() => {
        options.log(`[${config.instance}] did not stop within ${options.stopTimeoutMs ?? 15_000} ms; killing it`);
        child.kill('SIGKILL');
      }, options.stopTimeoutMs ?? 15_000);
      await gone;
      clearTimeout(timer);
    }
    return report;
  };

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop().then(() =>
        reject(new Error(`${config.instance} was not ready within ${options.readyTimeoutMs ?? 60_000} ms`)),
      );
    }, options.readyTimeoutMs ?? 60_000);
    const onMessage = () => {
      const ready = messages.find((message) => message.type === 'ready');
      if (!ready || ready.type !== 'ready') return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve({ instance: config.instance, pid: child.pid, port: ready.port, stop, spans: () => spans });
    };
    child.on('message', onMessage);
    void gone.then(() => {
      clearTimeout(timer);
      reject(
        new Error(`${config.instance} exited before it was ready (exit code ${child.exitCode ?? child.signalCode})`),
      );
    });
  });
}
