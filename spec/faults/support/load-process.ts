/**
 * A requester instance in its own process, driven over IPC by a fault spec (see fault-rig.ts):
 * sends echo requests at a steady rate (open loop, so requests stay in flight while the cluster is
 * hurt), can block its own event loop on command, probes with fresh requests after the fault, and
 * reports every request's outcome. Configured by environment variables (see `settings`).
 */
import { isRequestTimeoutError } from '../../../lib/errors';
import { createRequester } from '../../../lib/requester';
import { pingCodec, pongCodec } from '../../support/echo-responder';
import { faultTransport } from './fault-transport';
import { LoadCommand, LoadReport, LoadStatus, Outcome, ProbeResult } from './load-protocol';

const settings = {
  instance: process.env.INSTANCE ?? 'requester',
  brokers: (process.env.BROKERS ?? '').split(','),
  requestTopic: process.env.REQUEST_TOPIC ?? '',
  replyTopic: process.env.REPLY_TOPIC ?? '',
  timeoutMs: Number(process.env.TIMEOUT_MS ?? 10_000),
  sessionTimeoutMs: optionalNumber(process.env.SESSION_TIMEOUT_MS),
  heartbeatIntervalMs: optionalNumber(process.env.HEARTBEAT_INTERVAL_MS),
  metadataMaxAgeMs: optionalNumber(process.env.METADATA_MAX_AGE_MS),
  /** A reply slower than this counts as disrupted when recovery is measured. */
  slowMs: Number(process.env.SLOW_MS ?? 1000),
};

function optionalNumber(value: string | undefined): number | undefined {
  return value === undefined || value === '' ? undefined : Number(value);
}

const transport = faultTransport(settings.instance, settings.brokers);
const requester = createRequester({
  transport,
  replyTopic: settings.replyTopic,
  ...(process.env.GROUP_ID ? { groupId: process.env.GROUP_ID } : {}),
  timeoutMs: settings.timeoutMs,
  consumer: {
    ...(settings.sessionTimeoutMs === undefined ? {} : { sessionTimeoutMs: settings.sessionTimeoutMs }),
    ...(settings.heartbeatIntervalMs === undefined ? {} : { heartbeatIntervalMs: settings.heartbeatIntervalMs }),
    ...(settings.metadataMaxAgeMs === undefined ? {} : { metadataMaxAgeMs: settings.metadataMaxAgeMs }),
  },
});

const outcomes: Outcome[] = [];
const answeredBy: Record<number, string> = {};
const errorNames: Record<string, number> = {};
const errorSamples: string[] = [];
let next = 0;
let inFlight = 0;
/** Request number -> when it was sent, while it is in flight. */
const startTimes = new Map<number, number>();
let answeredTwice = 0;
let crossed = 0;
let lastBadStartedAt = 0;
let goodSinceLastBad = 0;
const settled = new Set<() => void>();

/** One request; resolves with its outcome once it settled (it always settles: timeouts are bounded). */
function send(n: number, record: boolean): Promise<Outcome> {
  const startedAt = Date.now();
  inFlight += 1;
  startTimes.set(n, startedAt);
  return new Promise<Outcome>((resolve) => {
    let replies = 0;
    const finish = (kind: Outcome['kind'], error?: unknown) => {
      inFlight -= 1;
      startTimes.delete(n);
      const outcome: Outcome = { n, startedAt, endedAt: Date.now(), kind };
      if (error !== undefined) {
        const name = error instanceof Error ? error.name : typeof error;
        errorNames[name] = (errorNames[name] ?? 0) + 1;
        if (kind === 'error' && errorSamples.length < 5) {
          errorSamples.push(error instanceof Error ? `${error.name}: ${error.message.split('\n')[0]}` : String(error));
        }
      }
      if (record) {
        outcomes.push(outcome);
        const bad = kind !== 'ok' || outcome.endedAt - startedAt > settings.slowMs;
        if (bad && startedAt >= lastBadStartedAt) {
          lastBadStartedAt = startedAt;
          goodSinceLastBad = 0;
        } else if (!bad && startedAt > lastBadStartedAt) goodSinceLastBad += 1;
      }
      for (const wake of [...settled]) wake();
      resolve(outcome);
    };
    requester
      .request({
        topic: settings.requestTopic,
        key: `${settings.instance}-${n % 50}`,
        value: { instance: settings.instance, n },
        codec: pingCodec,
        replyCodec: pongCodec,
      })
      .subscribe({
        next(reply) {
          replies += 1;
          // A caller is answered once; a second emission would be a duplicate reaching the caller.
          if (replies > 1) answeredTwice += 1;
          else if (reply.instance !== settings.instance || reply.n !== n) crossed += 1;
          else answeredBy[n] = reply.by;
        },
        error(error: unknown) {
          finish(isRequestTimeoutError(error) ? 'timeout' : 'error', error);
        },
        complete() {
          finish(replies === 1 ? 'ok' : 'error', replies === 1 ? undefined : new Error(`${replies} replies`));
        },
      });
  });
}

let ticker: NodeJS.Timeout | undefined;

function startLoad(ratePerSecond: number): void {
  const tickMs = 20;
  let owed = 0;
  ticker = setInterval(() => {
    owed += (ratePerSecond * tickMs) / 1000;
    for (; owed >= 1; owed -= 1) void send(next++, true);
  }, tickMs);
}

/** Resolves once no request is in flight. */
async function drained(): Promise<void> {
  while (inFlight > 0) await new Promise<void>((resolve) => settled.add(() => resolve()));
  settled.clear();
}

function report(): LoadReport {
  const count = (kind: Outcome['kind']) => outcomes.filter((outcome) => outcome.kind === kind).length;
  const ok = count('ok');
  return {
    instance: settings.instance,
    sent: outcomes.length,
    answeredOnce: ok - crossed,
    answeredTwice,
    crossed,
    timeouts: count('timeout'),
    otherErrors: count('error'),
    errorNames,
    errorSamples,
    outcomes,
    answeredBy,
    metrics: requester.metrics(),
  };
}

async function probe(count: number): Promise<ProbeResult> {
  const probes = await Promise.all(Array.from({ length: count }, () => send(next++, false)));
  const ok = probes.filter((outcome) => outcome.kind === 'ok').length;
  return {
    instance: settings.instance,
    sent: count,
    ok,
    slowestMs: Math.max(...probes.map((outcome) => outcome.endedAt - outcome.startedAt)),
  };
}

function status(): LoadStatus {
  const now = Date.now();
  let oldestInFlightMs = 0;
  for (const startedAt of startTimes.values()) oldestInFlightMs = Math.max(oldestInFlightMs, now - startedAt);
  return { instance: settings.instance, sent: next, inFlight, oldestInFlightMs, lastBadStartedAt, goodSinceLastBad };
}

const reply = (message: unknown) => process.send?.(message);

process.on('message', (message: LoadCommand) => {
  switch (message.type) {
    case 'start':
      startLoad(message.ratePerSecond);
      break;
    case 'status':
      reply({ type: 'status', status: status() });
      break;
    case 'block':
      for (let index = 0; index < message.burst; index += 1) void send(next++, true);
      setTimeout(() => {
        // A handler stuck in synchronous work: nothing else runs in this process, heartbeats included.
        const until = Date.now() + message.ms;
        while (Date.now() < until) {
          // busy
        }
        reply({ type: 'blocked' });
      }, message.afterMs);
      break;
    case 'stop':
      clearInterval(ticker);
      void drained().then(() => reply({ type: 'stopped', report: report() }));
      break;
    case 'probe':
      void probe(message.count).then((result) => reply({ type: 'probed', result }));
      break;
    case 'exit':
      requester.close();
      void transport.close().finally(() => process.exit(0));
      break;
  }
});

requester.warmUp().subscribe({
  next: () => reply({ type: 'ready' }),
  error: (error: unknown) => {
    console.error(`${settings.instance}: the reply consumer did not start`, error);
    process.exit(1);
  },
});

// The spec that forked this process is gone (crashed or killed): do not outlive it.
process.on('disconnect', () => process.exit(1));
