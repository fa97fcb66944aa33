/**
 * One requester instance of bench/scaling.ts, in a process of its own so that its CPU time is its
 * own. Reads its job from SCALING_JOB, warms up, says `ready`, and on `go`: sits idle for
 * `idleMs` (measuring what an idle instance costs), then sends `rate` requests per second for
 * `warmupMs` (not measured) and `measureMs` (measured), waits for the last answer and reports an
 * InstanceResult over IPC.
 */
import { once } from 'node:events';
import { firstValueFrom } from 'rxjs';
import { createRequester } from '../lib';
import { benchTransport } from './bench-transport';
import { echoCodec } from './responders/pubscribe-serve';
import type { InstanceJob, InstanceResult } from './scaling-types';

const job = JSON.parse(process.env.SCALING_JOB ?? '{}') as InstanceJob;
/** Resolves once the message is handed to the parent, so exiting right after loses nothing. */
const send = (message: unknown) =>
  new Promise<void>((resolve) => (process.send ? process.send(message, () => resolve()) : resolve()));
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const now = () => Number(process.hrtime.bigint()) / 1e6;
const microsOf = (usage: NodeJS.CpuUsage) => usage.user + usage.system;

/** Between ticks the sender catches up with the rate, so a slow tick does not lower it. */
const TICK_MS = 5;

async function main(): Promise<void> {
  const transport = benchTransport(job.transport, `scaling-${job.instance}`, job.brokers);
  const requester = createRequester({
    transport,
    replyTopic: job.replyTopic,
    timeoutMs: 30_000,
    maxInFlight: 100_000,
    ...(job.mode === 'leased' ? { replyPartition: 'auto' as const, leaseGroupId: job.leaseGroupId } : {}),
  });
  // Values are unique across instances, so a crossed reply would show as a wrong one.
  const call = (n: number) =>
    firstValueFrom(
      requester.request({
        topic: job.requestTopic,
        key: `${job.instance}-${n}`,
        value: { n },
        codec: echoCodec,
        replyCodec: echoCodec,
      }),
    );
  await firstValueFrom(requester.warmUp());
  await call(job.instance * 1e9 - 1);
  await send({ type: 'ready' });
  await once(process, 'message');

  const idleFrom = process.cpuUsage();
  await pause(job.idleMs);
  const idleCpuMicrosPerSecond = (1000 * microsOf(process.cpuUsage(idleFrom))) / job.idleMs;

  const latenciesMs: number[] = [];
  const inFlight = new Set<Promise<void>>();
  let sent = 0;
  let errors = 0;
  let wrongReplies = 0;
  const fire = (measured: boolean) => {
    const n = job.instance * 1e9 + sent++;
    const at = now();
    const done = call(n).then(
      (reply) => {
        if (!measured) return;
        if (reply.n === n) latenciesMs.push(now() - at);
        else wrongReplies += 1;
      },
      () => {
        if (measured) errors += 1;
      },
    );
    inFlight.add(done);
    void done.then(() => inFlight.delete(done));
  };

  const started = now();
  const measureFrom = started + job.warmupMs;
  const measureUntil = measureFrom + job.measureMs;
  let cpuFrom: NodeJS.CpuUsage | undefined;
  let foreignFrom = 0;
  let sentFrom = 0;
  for (let at = now(); at < measureUntil; at = now()) {
    if (cpuFrom === undefined && at >= measureFrom) {
      cpuFrom = process.cpuUsage();
      foreignFrom = requester.metrics().foreign;
      sentFrom = sent;
    }
    const due = Math.floor(((at - started) * job.rate) / 1000);
    while (sent < due) fire(cpuFrom !== undefined);
    await pause(TICK_MS);
  }
  const cpuMicros = microsOf(process.cpuUsage(cpuFrom));
  const foreign = requester.metrics().foreign - foreignFrom;
  const measuredSent = sent - sentFrom;
  await Promise.all(inFlight);
  requester.close();
  await transport.close();
  const result: InstanceResult = {
    instance: job.instance,
    sent: measuredSent,
    answered: latenciesMs.length,
    errors,
    wrongReplies,
    latenciesMs,
    cpuMicros,
    idleCpuMicrosPerSecond,
    foreign,
    measuredMs: job.measureMs,
  };
  await send({ type: 'result', result });
}

main().then(
  () => process.exit(0),
  (error: unknown) =>
    void send({ type: 'failed', message: error instanceof Error ? error.message : String(error) }).then(() =>
      process.exit(1),
    ),
);
