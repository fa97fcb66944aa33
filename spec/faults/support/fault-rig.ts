/**
 * The traffic every fault runs under: two requester instances, each in its own process with its
 * own transport and reply group, sending at a steady rate to an echo responder scaled out to two
 * members of one group (two more processes). A spec starts the rig, starts the load, hurts the
 * cluster, waits until requests succeed again, stops the load, probes with fresh requests and
 * prints the counts (`summarize`).
 */
import { expect } from 'chai';
import { ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import type { LocalKafka } from '../../../tools/broker/local-kafka';
import type { LoadCommand, LoadMessage, LoadReport, Outcome, ProbeResult, ResponderMessage } from './load-protocol';

/** Sizes, from the environment so CI can run small and a person large. */
export const faultSettings = {
  /** Requests per second per requester instance. */
  rate: Number(process.env.FAULT_RATE ?? 40),
  /** Fresh requests per requester after each fault, all of which must be answered. */
  probes: Number(process.env.FAULT_PROBES ?? 20),
  /** Load before the fault, in ms. */
  warmUpMs: Number(process.env.FAULT_WARMUP_MS ?? 2000),
};

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const uniqueName = (prefix: string) => `${prefix}-${randomUUID().slice(0, 12)}`;

/** A forked spec helper that answers commands over IPC. */
class Child<Message extends { readonly type: string }> {
  readonly messages: Message[] = [];
  private readonly waiting = new Set<(message: Message) => boolean>();
  private readonly exit: Promise<void>;

  constructor(
    readonly name: string,
    readonly process: ChildProcess,
  ) {
    process.on('message', (message: Message) => {
      this.messages.push(message);
      for (const waiter of [...this.waiting]) if (waiter(message)) this.waiting.delete(waiter);
    });
    this.exit = new Promise((resolve) => process.once('exit', () => resolve()));
  }

  get alive(): boolean {
    return this.process.exitCode === null && this.process.signalCode === null;
  }

  /** The next message of `type` (sent after this call), or a failure when the child dies first. */
  next<T extends Message['type']>(type: T, withinMs = 120_000): Promise<Extract<Message, { type: T }>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name}: no '${type}' within ${withinMs} ms`)), withinMs);
      const waiter = (message: Message) => {
        if (message.type !== type) return false;
        clearTimeout(timer);
        resolve(message as Extract<Message, { type: T }>);
        return true;
      };
      this.waiting.add(waiter);
      void this.exit.then(() => {
        if (!this.waiting.delete(waiter)) return;
        clearTimeout(timer);
        reject(new Error(`${this.name} exited (code ${this.process.exitCode}, signal ${this.process.signalCode})`));
      });
    });
  }

  send(command: object): void {
    if (this.alive) this.process.send(command);
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.alive) this.process.kill(signal);
    await this.exit;
  }

  /** Asks the child to close its clients and exit; kills it when it does not within `graceMs`. */
  async close(graceMs = 10_000): Promise<void> {
    if (!this.alive) return;
    this.send({ type: 'exit' });
    const timer = setTimeout(() => this.process.kill('SIGKILL'), graceMs);
    await this.exit;
    clearTimeout(timer);
  }
}

function forkChild<Message extends { readonly type: string }>(
  file: string,
  name: string,
  env: Record<string, string>,
): Child<Message> {
  const child = fork(join(__dirname, file), [], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv: ['--enable-source-maps'],
  });
  return new Child<Message>(name, child);
}

/** How the rig is built. */
export interface RigOptions {
  readonly kafka: LocalKafka;
  readonly requestPartitions?: number;
  readonly replyPartitions?: number;
  /** The requesters' request timeout. */
  readonly timeoutMs: number;
  /** Environment of both load processes (SESSION_TIMEOUT_MS, METADATA_MAX_AGE_MS, ...). */
  readonly requesterEnv?: Record<string, string>;
  /** Environment of both responder processes (DELAY_MIN_MS, TRACK, SESSION_TIMEOUT_MS, ...). */
  readonly responderEnv?: Record<string, string>;
  /** A reply slower than this counts as disrupted (above the handler's own delay). Default 1000 ms. */
  readonly slowMs?: number;
}

/** Two requester processes against two responder processes, on fresh topics. */
export class FaultRig {
  private constructor(
    readonly kafka: LocalKafka,
    readonly requestTopic: string,
    readonly replyTopic: string,
    readonly timeoutMs: number,
    readonly requesters: readonly Child<LoadMessage>[],
    readonly responders: readonly Child<ResponderMessage>[],
    /** The reply consumer group of each requester, in order. */
    readonly requesterGroups: readonly string[],
    readonly slowMs: number,
  ) {}

  static async start(options: RigOptions): Promise<FaultRig> {
    const requestTopic = uniqueName('fault-requests');
    const replyTopic = uniqueName('fault-replies');
    await withAdmin(options.kafka, (admin) =>
      admin.createTopics({
        topics: [
          { topic: requestTopic, numPartitions: options.requestPartitions ?? 4 },
          { topic: replyTopic, numPartitions: options.replyPartitions ?? 2 },
        ],
        waitForLeaders: true,
      }),
    );
    const brokers = options.kafka.brokers.join(',');
    const group = uniqueName('fault-responders');
    const responders = ['responder-1', 'responder-2'].map((name) =>
      forkChild<ResponderMessage>('responder-process.js', name, {
        NAME: name,
        BROKERS: brokers,
        REQUEST_TOPIC: requestTopic,
        GROUP: group,
        ...options.responderEnv,
      }),
    );
    const requesters: Child<LoadMessage>[] = [];
    const requesterGroups = ['requester-a', 'requester-b'].map((name) => uniqueName(`${name}-replies`));
    const rig = new FaultRig(
      options.kafka,
      requestTopic,
      replyTopic,
      options.timeoutMs,
      requesters,
      responders,
      requesterGroups,
      options.slowMs ?? 1000,
    );
    try {
      await Promise.all(responders.map((responder) => responder.next('ready')));
      for (const [index, name] of ['requester-a', 'requester-b'].entries()) {
        requesters.push(
          forkChild<LoadMessage>('load-process.js', name, {
            INSTANCE: name,
            GROUP_ID: requesterGroups[index]!,
            BROKERS: brokers,
            REQUEST_TOPIC: requestTopic,
            REPLY_TOPIC: replyTopic,
            TIMEOUT_MS: String(options.timeoutMs),
            SLOW_MS: String(options.slowMs ?? 1000),
            ...options.requesterEnv,
          }),
        );
      }
      await Promise.all(requesters.map((requester) => requester.next('ready')));
    } catch (error) {
      await rig.close();
      throw error;
    }
    return rig;
  }

  /** Starts the steady load on both requesters and lets it run `faultSettings.warmUpMs`. */
  async startLoad(): Promise<void> {
    for (const requester of this.requesters) requester.send({ type: 'start', ratePerSecond: faultSettings.rate });
    await sleep(faultSettings.warmUpMs);
  }

  /**
   * Waits until, on every requester, at least `good` requests sent after the last failed or slow
   * one were answered quickly, `quietMs` passed since that one was sent, and no request in flight
   * has waited longer than `slowMs`; gives up after `capMs`
   * (the probes then tell whether requests succeed).
   */
  async waitUntilRecovered(good = 20, quietMs = 3000, capMs = 90_000): Promise<void> {
    const slowMs = this.slowMs;
    const deadline = Date.now() + capMs;
    while (Date.now() < deadline) {
      const statuses = await Promise.all(
        this.requesters.map((requester) => {
          const answer = requester.next('status', 10_000);
          requester.send({ type: 'status' } satisfies LoadCommand);
          return answer;
        }),
      );
      const recovered = statuses.every(
        ({ status }) =>
          status.goodSinceLastBad >= good &&
          Date.now() - status.lastBadStartedAt >= quietMs &&
          status.oldestInFlightMs <= slowMs,
      );
      if (recovered) return;
      await sleep(500);
    }
  }

  /** Stops sending and resolves with each requester's report once all its requests settled. */
  async stopLoad(): Promise<LoadReport[]> {
    const stopped = this.requesters.map((requester) => requester.next('stopped', this.timeoutMs + 60_000));
    for (const requester of this.requesters) requester.send({ type: 'stop' } satisfies LoadCommand);
    return (await Promise.all(stopped)).map((message) => message.report);
  }

  /** Fresh requests on the same requesters (not restarted). */
  async probe(count = faultSettings.probes): Promise<ProbeResult[]> {
    const probed = this.requesters.map((requester) => requester.next('probed', this.timeoutMs + 60_000));
    for (const requester of this.requesters) requester.send({ type: 'probe', count } satisfies LoadCommand);
    return (await Promise.all(probed)).map((message) => message.result);
  }

  /**
   * Sends `burst` requests from requester `index`, waits `afterMs` (they are produced), then blocks
   * its event loop for `ms` (a busy loop); resolves when it is free again.
   */
  async block(index: number, ms: number, burst = 0, afterMs = 0): Promise<void> {
    const blocked = this.requesters[index]!.next('blocked', ms + afterMs + 60_000);
    this.requesters[index]!.send({ type: 'block', ms, burst, afterMs } satisfies LoadCommand);
    await blocked;
  }

  /** Every responder event count, by responder. */
  async responderEvents(): Promise<Record<string, Readonly<Record<string, number>>>> {
    const live = this.responders.filter((responder) => responder.alive);
    const answers = await Promise.all(
      live.map((responder) => {
        const answer = responder.next('events', 10_000);
        responder.send({ type: 'events' });
        return answer;
      }),
    );
    return Object.fromEntries(live.map((responder, index) => [responder.name, answers[index]!.counts]));
  }

  async close(): Promise<void> {
    await Promise.all([...this.requesters, ...this.responders].map((child) => child.close()));
  }
}

/** Runs `work` with an admin client on the cluster. */
export async function withAdmin<T>(
  kafka: LocalKafka,
  work: (admin: ReturnType<Kafka['admin']>) => Promise<T>,
): Promise<T> {
  const admin = new Kafka({
    clientId: uniqueName('fault-admin'),
    brokers: [...kafka.brokers],
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.disconnect();
  }
}

/** The node leading `topic`'s partition `partition`. */
export async function leaderOf(kafka: LocalKafka, topic: string, partition = 0): Promise<number> {
  const metadata = await withAdmin(kafka, (admin) => admin.fetchTopicMetadata({ topics: [topic] }));
  const leader = metadata.topics[0]?.partitions.find((entry) => entry.partitionId === partition)?.leader;
  if (leader === undefined) throw new Error(`no leader known for ${topic}[${partition}]`);
  return leader;
}

/** Every partition of `topic` with its leader. */
export async function leadersOf(kafka: LocalKafka, topic: string): Promise<{ partition: number; leader: number }[]> {
  const metadata = await withAdmin(kafka, (admin) => admin.fetchTopicMetadata({ topics: [topic] }));
  return (metadata.topics[0]?.partitions ?? []).map((entry) => ({
    partition: entry.partitionId,
    leader: entry.leader,
  }));
}

/** The counts a fault ends with. */
export interface FaultSummary {
  readonly sent: number;
  readonly answeredOnce: number;
  readonly answeredTwice: number;
  readonly crossed: number;
  readonly timeouts: number;
  readonly otherErrors: number;
  readonly errorNames: Record<string, number>;
  /** Replies the requesters dropped as duplicates (a second reply to an answered request). */
  readonly duplicatesDropped: number;
  readonly lateDropped: number;
  /** From the fault until requests succeed again (0: no request failed or was slow). */
  readonly recoveryMs: number;
  /** Requests that failed or took longer than `slowMs` after the fault. */
  readonly disrupted: number;
  /** The longest any request took to settle. */
  readonly slowestMs: number;
  readonly probesSent: number;
  readonly probesAnswered: number;
}

/**
 * Adds up the requesters' reports and prints one line. Recovery, per requester: after the fault,
 * the requests that failed or took longer than `slowMs` are disrupted; requests succeed again when
 * the first request sent after the last disrupted one was sent is answered within `slowMs`. The
 * figure is the later of the two requesters, measured from `faultAt`.
 */
export function summarize(
  label: string,
  reports: readonly LoadReport[],
  probes: readonly ProbeResult[],
  faultAt: number,
  slowMs = 1000,
): FaultSummary {
  const sum = (pick: (report: LoadReport) => number) => reports.reduce((total, report) => total + pick(report), 0);
  const errorNames: Record<string, number> = {};
  for (const report of reports) {
    for (const [name, count] of Object.entries(report.errorNames)) errorNames[name] = (errorNames[name] ?? 0) + count;
  }
  const outcomes = reports.flatMap((report) => report.outcomes);
  const isDisrupted = (outcome: Outcome) =>
    outcome.endedAt >= faultAt && (outcome.kind !== 'ok' || outcome.endedAt - outcome.startedAt > slowMs);
  const disrupted = outcomes.filter(isDisrupted);
  // Per requester (one may be hurt while the other is not), then the slowest of them.
  const recoveryMs = Math.max(
    0,
    ...reports.map((report) => {
      const bad = report.outcomes.filter(isDisrupted);
      if (bad.length === 0) return 0;
      const lastBadStart = Math.max(...bad.map((outcome) => outcome.startedAt));
      const recoveredAt = Math.min(
        ...report.outcomes
          .filter(
            (outcome) =>
              outcome.startedAt > lastBadStart &&
              outcome.kind === 'ok' &&
              outcome.endedAt - outcome.startedAt <= slowMs,
          )
          .map((outcome) => outcome.endedAt),
      );
      return recoveredAt - faultAt;
    }),
  );
  const summary: FaultSummary = {
    sent: sum((report) => report.sent),
    answeredOnce: sum((report) => report.answeredOnce),
    answeredTwice: sum((report) => report.answeredTwice),
    crossed: sum((report) => report.crossed),
    timeouts: sum((report) => report.timeouts),
    otherErrors: sum((report) => report.otherErrors),
    errorNames,
    duplicatesDropped: sum((report) => report.metrics.duplicates),
    lateDropped: sum((report) => report.metrics.late),
    recoveryMs,
    disrupted: disrupted.length,
    slowestMs: Math.max(0, ...outcomes.map((outcome) => outcome.endedAt - outcome.startedAt)),
    probesSent: probes.reduce((total, probe) => total + probe.sent, 0),
    probesAnswered: probes.reduce((total, probe) => total + probe.ok, 0),
  };
  const otherNames = Object.entries(errorNames)
    .filter(([name]) => name !== 'RequestTimeoutError')
    .map(([name, count]) => `${name} ${count}`)
    .join(', ');
  console.log(
    `      [${label}] sent ${summary.sent}; answered once ${summary.answeredOnce}; answered twice at the caller ${summary.answeredTwice}; ` +
      `crossed ${summary.crossed}; typed timeouts ${summary.timeouts}; other errors ${summary.otherErrors}${otherNames ? ` (${otherNames})` : ''}; ` +
      `requests succeed again ${Number.isFinite(recoveryMs) ? `${recoveryMs} ms` : 'never'} after the fault ` +
      `(${summary.disrupted} failed or slower than ${slowMs} ms; slowest ${summary.slowestMs} ms); ` +
      `dropped by the requesters: ${summary.duplicatesDropped} duplicates, ${summary.lateDropped} late; ` +
      `probe after the fault ${summary.probesAnswered}/${summary.probesSent} answered`,
  );
  const folder = process.env.FAULT_REPORT_DIR;
  if (folder) {
    // Every request's outcome, for a closer look at a fault (timeline, latencies).
    mkdirSync(folder, { recursive: true });
    const file = join(folder, `${label.replace(/[^a-z0-9]+/gi, '-')}.json`);
    writeFileSync(file, JSON.stringify({ label, faultAt, summary, reports, probes }));
  }
  for (const report of reports) {
    if (report.errorSamples.length > 0)
      console.log(`        ${report.instance} errors: ${report.errorSamples.join(' | ')}`);
  }
  return summary;
}

/**
 * What every fault must show: nobody answered twice or crossed, every request settled (none
 * hangs), within its timeout plus `slackMs`, and fresh requests on the same requesters succeed.
 */
export function expectPromisesKept(
  summary: FaultSummary,
  reports: readonly LoadReport[],
  timeoutMs: number,
  slackMs = 3000,
): void {
  expect(summary.answeredTwice, 'answered twice at the caller').to.equal(0);
  expect(summary.crossed, 'answered with another request’s reply').to.equal(0);
  expect(summary.sent, 'sent = answered once + timeouts + other errors (none hangs)').to.equal(
    summary.answeredOnce + summary.timeouts + summary.otherErrors,
  );
  for (const report of reports) expect(report.metrics.pending, `${report.instance} pending at the end`).to.equal(0);
  expect(summary.slowestMs, 'every request settled within its timeout').to.be.at.most(timeoutMs + slackMs);
  expect(summary.probesAnswered, 'fresh requests after the fault, same requesters').to.equal(summary.probesSent);
  expect(summary.sent, 'requests were in flight').to.be.greaterThan(0);
}
