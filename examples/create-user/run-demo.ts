/**
 * The create-user demo without its printing: provision topics, start every service as its own
 * process, send a batch of createUser mutations over HTTP to the GraphQL instances, look at what
 * was stored, and stop everything. `main.ts` wires a broker and a terminal to it; the end-to-end
 * spec calls it against the test broker.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ChildService, startChildService } from './child-service';
import { DemoTrace, pickTracedRequest, tracedRequest, traceOfRun } from './demo-trace';
import { LoadProgress, LoadResult, runLoad } from './load';
import type { UserCreated } from './messages';
import { OutboxEmail, openOutboxStore } from './outbox-store';
import { planRequests, planShape, PlanShape } from './request-plan';
import type { ReplyMode, ServiceConfig, ServiceReport } from './service-config';
import { LoadSummary, summarise } from './summary';
import { countRecords, createFlowTopics, deleteFlowTopics, flowTopics, FlowTopics } from './topics';
import { openUserStore } from './user-store';

/** Options of {@link runDemo}. */
export interface DemoOptions {
  readonly brokers: readonly string[];
  /** Mutations to send. Default 200. */
  readonly requests?: number;
  /** Mutations in flight at once. Default 32. */
  readonly concurrency?: number;
  /** GraphQL instances, each its own process with its own reply consumer group. Default 2. */
  readonly graphqlInstances?: number;
  /**
   * How the GraphQL instances read the user-created topic: `leased` (default), each the partitions
   * it leases (`replyPartition: 'auto'`); `shared`, each all of them.
   */
  readonly replies?: ReplyMode;
  /** How long a mutation waits for its reply. Default 10 000 ms. */
  readonly timeoutMs?: number;
  /** Progress of the run and the services' own output. */
  readonly log?: (line: string) => void;
  readonly onProgress?: (progress: LoadProgress) => void;
  /** Stops sending; the run still shuts down cleanly and returns what it has. */
  readonly signal?: AbortSignal;
  /**
   * Traces one createUser mutation through every service (OpenTelemetry in each process) and
   * writes the waterfall picture here. Without it nothing is traced.
   */
  readonly traceSvgPath?: string;
}

/** One service process and what it reported when it stopped. */
export interface ServiceSummary {
  readonly instance: string;
  readonly pid: number | undefined;
  readonly port: number | null;
  readonly report: ServiceReport;
}

/** What a run did. */
export interface DemoSummary {
  readonly topics: FlowTopics;
  /** How the GraphQL instances read their replies. */
  readonly replies: ReplyMode;
  /** Partitions of the user-created topic: at least one per GraphQL instance. */
  readonly userCreatedPartitions: number;
  /** How the batch was split: expected creations, duplicates and bad inputs. */
  readonly shape: PlanShape;
  readonly load: LoadSummary;
  readonly results: readonly LoadResult[];
  /** Records on the create-user topic: one per request that passed validation, none for the rest. */
  readonly producedRequests: number;
  readonly usersStored: number;
  readonly emailsQueued: number;
  readonly sampleUser?: UserCreated;
  readonly sampleEmail?: OutboxEmail;
  readonly services: readonly ServiceSummary[];
  /** The traced mutation's spans and the picture, with `traceSvgPath`. */
  readonly trace?: DemoTrace;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts every service at once; if one fails, stops the others before failing. */
async function startAll(configs: readonly ServiceConfig[], log: (line: string) => void): Promise<ChildService[]> {
  const started = await Promise.allSettled(configs.map((config) => startChildService(config, { log })));
  const failure = started.find((result) => result.status === 'rejected');
  const running = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  if (failure) {
    await Promise.all(running.map((service) => service.stop()));
    throw failure.reason;
  }
  return running;
}

async function stopAll(services: readonly ChildService[]): Promise<ServiceSummary[]> {
  const stopped = await Promise.all(
    services.map(async (service) => ({
      instance: service.instance,
      pid: service.pid,
      port: service.port,
      report: await service.stop(),
    })),
  );
  return stopped;
}

/**
 * Waits until the emailer has queued one email per stored user (step 7 runs after the reply
 * went out, so it may trail the batch a little), or gives up after `withinMs`.
 */
async function emailsSettled(outboxPath: string, users: number, withinMs: number): Promise<number> {
  const outbox = openOutboxStore(outboxPath, { readonly: true });
  try {
    const deadline = performance.now() + withinMs;
    for (;;) {
      const queued = outbox.count();
      if (queued >= users || performance.now() > deadline) return queued;
      await sleep(100);
    }
  } finally {
    outbox.close();
  }
}

/**
 * Runs the seed's create-user flow end to end on `brokers` and reports what happened.
 *
 * @example
 * const summary = await runDemo({ brokers: ['127.0.0.1:9092'], requests: 20, log: console.log });
 * console.log(summary.load.counts); // { ok: 14, duplicate: 2, validation: 4, other: 0 }
 *
 * @param options brokers, batch size, concurrency, instances, how replies are read, logging
 * @returns the summary, after every service process has exited and the temp files are gone
 */
export async function runDemo(options: DemoOptions): Promise<DemoSummary> {
  const log = options.log ?? (() => undefined);
  const total = options.requests ?? 200;
  const instances = options.graphqlInstances ?? 2;
  const replies = options.replies ?? 'leased';
  if (!(Number.isInteger(total) && total >= 8)) throw new RangeError('runDemo: `requests` must be an integer >= 8.');
  if (!(Number.isInteger(instances) && instances >= 1))
    throw new RangeError('runDemo: `graphqlInstances` must be >= 1.');
  const brokers = [...options.brokers];
  // Topics and groups are named per run, so runs sharing a cluster (KAFKA_BROKERS) never meet.
  const run = randomUUID().slice(0, 8);
  const topics = flowTopics(run);
  // Leasing, an instance the group gives no partition falls back to reading the whole topic:
  // one partition per instance at least, so none does.
  const userCreatedPartitions = Math.max(3, instances);
  const directory = mkdtempSync(join(tmpdir(), 'pubscribe-create-user-'));
  const usersPath = join(directory, 'users.db');
  const outboxPath = join(directory, 'outbox.db');
  const traceSvgPath = options.traceSvgPath;
  // The traced mutation goes to graphql-1: the other instances need no OpenTelemetry SDK.
  const tracing = traceSvgPath !== undefined;
  const common = { brokers, topics, trace: tracing };
  const configs: ServiceConfig[] = [
    {
      role: 'user-service',
      instance: 'user-service',
      ...common,
      groupId: `user-service-${run}`,
      databasePath: usersPath,
    },
    { role: 'emailer', instance: 'emailer', ...common, groupId: `emailer-${run}`, databasePath: outboxPath },
    ...Array.from({ length: instances }, (_, index): ServiceConfig => ({
      role: 'graphql',
      instance: `graphql-${index + 1}`,
      ...common,
      trace: tracing && index === 0,
      port: 0,
      timeoutMs: options.timeoutMs ?? 10_000,
      replies,
    })),
  ];
  let services: ChildService[] = [];
  try {
    log(
      `topics ${topics.createUser}, ${topics.userCreated} (${userCreatedPartitions} partitions), ${topics.sendEmail}; ` +
        (replies === 'leased'
          ? `GraphQL instances lease the partitions of ${topics.userCreated}`
          : `every GraphQL instance reads all of ${topics.userCreated}`),
    );
    await createFlowTopics(brokers, topics, { userCreatedPartitions });
    const starting = performance.now();
    services = await startAll(configs, log);
    const graphql = services.filter((service) => service.port !== null);
    log(
      `${services.length} service processes ready in ${Math.round(performance.now() - starting)} ms: ` +
        services
          .map((service) => `${service.instance} (pid ${service.pid}${service.port ? `, :${service.port}` : ''})`)
          .join(', '),
    );

    const plan = planRequests(total);
    const traced = traceSvgPath === undefined ? undefined : tracedRequest(plan, pickTracedRequest(plan));
    log(
      `sending ${plan.length} createUser mutations, ${options.concurrency ?? 32} at a time, to ${graphql.length} GraphQL instances`,
    );
    const sending = performance.now();
    const results = await runLoad(plan, {
      urls: graphql.map((service) => `http://127.0.0.1:${service.port}/graphql`),
      concurrency: options.concurrency ?? 32,
      onProgress: options.onProgress,
      signal: options.signal,
      solo: traced,
    });
    const load = summarise(results, performance.now() - sending);

    const users = openUserStore(usersPath, { readonly: true });
    const firstCreated = results.find((result) => result.outcome === 'ok')?.user;
    const usersStored = users.count();
    const sampleUser = firstCreated && users.findByEmail(firstCreated.email);
    users.close();
    const emailsQueued = await emailsSettled(outboxPath, usersStored, 20_000);
    const outbox = openOutboxStore(outboxPath, { readonly: true });
    const sampleEmail = firstCreated && outbox.findByAddress(firstCreated.email);
    outbox.close();
    const producedRequests = await countRecords(brokers, topics.createUser);

    log('stopping the services');
    const stopped = await stopAll(services);
    // Every span is in once its service has stopped: they come before its report.
    const spans = services.flatMap((service) => service.spans());
    services = [];
    const trace = traced && traceSvgPath !== undefined ? traceOfRun(traced, results, spans) : undefined;
    if (trace && traceSvgPath !== undefined) {
      mkdirSync(dirname(traceSvgPath), { recursive: true });
      writeFileSync(traceSvgPath, trace.svg);
    }
    return {
      topics,
      replies,
      userCreatedPartitions,
      shape: planShape(total),
      load,
      results,
      producedRequests,
      usersStored,
      emailsQueued,
      sampleUser,
      sampleEmail,
      services: stopped,
      ...(trace ? { trace } : {}),
    };
  } finally {
    // Reached with services still running only when something above failed.
    await stopAll(services);
    rmSync(directory, { recursive: true, force: true });
    const notDeleted = await deleteFlowTopics(brokers, topics);
    if (notDeleted) log(`could not delete the demo topics: ${notDeleted}`);
  }
}
