/**
 * Reply-side cost of scaling out (docs/scaling.md, issue 16): 1, 2, 4 and 8 requester instances
 * share one 8-partition reply topic and call one echo responder, each instance in its own process.
 * Each instance sends a fixed number of requests per second (by default 25; `--total-rate` shares
 * a fixed total out among them instead), so every instance carries the same traffic of its own
 * whatever their number, as when a service scales out with its traffic. The default is low enough
 * that 8 instances do not saturate a small machine: under saturation everything batches and costs
 * per request fall, which would hide what reading replies costs. Each number of instances runs in
 * two modes: shared reading (no `replyPartition`: every instance reads every reply) and leased
 * ownership (`replyPartition: 'auto'`). Each instance measures the CPU time of its process while
 * idle and over the measured window, and reports it per request it sent, with the replies it
 * dropped as another instance's, and latencies.
 *
 *   npm run bench:scaling                  full run (about 4 minutes)
 *   npm run bench:scaling -- --quick       short windows (about 2 minutes), results not committed
 *   npm run bench:scaling -- --instances=1,8 --modes=leased --total-rate=400 --transport=platformatic
 *
 * Prints a table; a complete run (both modes at 1, 2, 4 and 8 instances, no errors) writes
 * bench/results/scaling/{results.json,results.md,cpu-per-request.svg} (bench/results/quick/scaling
 * with --quick; bench/results/tmp/scaling for a subset). Uses the broker named by KAFKA_BROKERS,
 * or starts its own with group.initial.rebalance.delay.ms=0.
 */
import { ChildProcess, fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { Admin, AssignerProtocol, Kafka, logLevel } from 'kafkajs';
import { acquireKafka } from '../tools/broker/acquire-kafka';
import { projectRoot } from '../tools/broker/project-root';
import { startResponderProcess } from './bench-processes';
import { quantile } from './latency-stats';
import { parseScalingArgs, REPLY_PARTITIONS, ScalingArgs, scalingUsage, ScalingUsageError } from './scaling-args';
import { scalingPlot } from './scaling-plot';
import type { InstanceJob, InstanceResult, ScalingMode, ScalingRow } from './scaling-types';

function parsedArgs(): ScalingArgs {
  try {
    return parseScalingArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof ScalingUsageError)) throw error;
    console.error(`${error.message}\n${scalingUsage}`);
    process.exit(2);
  }
}

const args = parsedArgs();
if (args.help) {
  console.log(scalingUsage);
  process.exit(0);
}
const windows = args.quick
  ? { idleMs: 1_000, warmupMs: 1_500, measureMs: 3_000 }
  : { idleMs: 3_000, warmupMs: 3_000, measureMs: 15_000 };

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A started instance process: resolves `ready` once warmed up, `result` with what it measured. */
interface Instance {
  readonly child: ChildProcess;
  readonly ready: Promise<void>;
  readonly result: Promise<InstanceResult>;
}

function startInstance(job: InstanceJob): Instance {
  const child = fork(join(__dirname, 'scaling-instance.js'), [], {
    env: { ...process.env, SCALING_JOB: JSON.stringify(job) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const failed = new Promise<never>((_, reject) => {
    child.on('message', (message: { type: string; message?: string }) => {
      if (message.type === 'failed') reject(new Error(`instance ${job.instance}: ${message.message}`));
    });
    child.once('exit', (code) => reject(new Error(`instance ${job.instance} exited with ${code}`)));
  });
  failed.catch(() => undefined);
  const awaited = <T>(type: string, pick: (message: { result?: InstanceResult }) => T) =>
    Promise.race([
      new Promise<T>((resolve) =>
        child.on('message', (message: { type: string; result?: InstanceResult }) => {
          if (message.type === type) resolve(pick(message));
        }),
      ),
      failed,
    ]);
  const ready = awaited('ready', () => undefined);
  const result = awaited('result', (message) => message.result!);
  // Whichever the run is waiting for reports the failure; the other must not crash the bench.
  ready.catch(() => undefined);
  result.catch(() => undefined);
  return { child, ready, result };
}

/**
 * Waits until the lease group is stable with `members` members whose shares of the reply topic
 * differ by at most one and cover every partition: the steady state the bench measures.
 */
async function leasesSettled(admin: Admin, groupId: string, topic: string, members: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < 60_000) {
    const [group] = (await admin.describeGroups([groupId])).groups;
    if (group?.state === 'Stable' && group.members.length === members) {
      const shares = group.members.map(
        (member) => AssignerProtocol.MemberAssignment.decode(member.memberAssignment)?.assignment[topic]?.length ?? 0,
      );
      const total = shares.reduce((sum, share) => sum + share, 0);
      if (total === REPLY_PARTITIONS && Math.max(...shares) - Math.min(...shares) <= 1) return Date.now() - started;
    }
    await pause(200);
  }
  throw new Error(`lease group ${groupId} did not settle with ${members} members within 60 s`);
}

const mean = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

function row(mode: ScalingMode, instances: number, results: readonly InstanceResult[]): ScalingRow {
  const latencies = results.flatMap((result) => [...result.latenciesMs]).sort((a, b) => a - b);
  const sent = results.reduce((sum, result) => sum + result.sent, 0);
  const cpuMicrosPerRequest = results.map((result) => result.cpuMicros / Math.max(1, result.sent));
  const cpuAboveIdleMicrosPerRequest = results.map(
    (result) =>
      (result.cpuMicros - (result.idleCpuMicrosPerSecond * result.measuredMs) / 1000) / Math.max(1, result.sent),
  );
  const foreign = results.map((result) => result.foreign);
  return {
    mode,
    instances,
    throughput: results.reduce((sum, result) => sum + (1000 * result.answered) / result.measuredMs, 0),
    cpuMicrosPerRequest,
    meanCpuMicrosPerRequest: mean(cpuMicrosPerRequest),
    cpuAboveIdleMicrosPerRequest,
    idleCpuMicrosPerSecond: results.map((result) => result.idleCpuMicrosPerSecond),
    foreign,
    foreignPerRequest: foreign.reduce((sum, value) => sum + value, 0) / Math.max(1, sent),
    sent,
    errors: results.reduce((sum, result) => sum + result.errors, 0),
    wrongReplies: results.reduce((sum, result) => sum + result.wrongReplies, 0),
    latencyMs: { p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99), max: quantile(latencies, 1) },
  };
}

function markdownTable(rows: readonly ScalingRow[]): string {
  const lines = [
    '| mode | instances | answered/s, all | CPU µs per request, each instance: mean (lowest–highest) | of which above idle | idle CPU, ms/s per instance | foreign drops per instance | foreign per request | p50 ms | p99 ms | errors |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of rows) {
    const cpu = `${r.meanCpuMicrosPerRequest.toFixed(0)} (${Math.min(...r.cpuMicrosPerRequest).toFixed(0)}–${Math.max(...r.cpuMicrosPerRequest).toFixed(0)})`;
    lines.push(
      `| ${r.mode} | ${r.instances} | ${r.throughput.toFixed(0)} | ${cpu} | ${mean(r.cpuAboveIdleMicrosPerRequest).toFixed(0)} | ${(mean(r.idleCpuMicrosPerSecond) / 1000).toFixed(1)} | ` +
        `${mean(r.foreign).toFixed(0)} | ${r.foreignPerRequest.toFixed(2)} | ${r.latencyMs.p50.toFixed(1)} | ${r.latencyMs.p99.toFixed(1)} | ${r.errors + r.wrongReplies} |`,
    );
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const kafka = await acquireKafka({
    log: (line) => console.log(`[kafka] ${line}`),
    overrides: { 'group.initial.rebalance.delay.ms': 0 },
  });
  const admin = new Kafka({
    clientId: 'scaling-admin',
    brokers: [...kafka.brokers],
    logLevel: logLevel.NOTHING,
  }).admin();
  const id = `scaling-${Date.now().toString(36)}`;
  const requestTopic = `${id}-requests`;
  const rows: ScalingRow[] = [];
  const replyTopics: string[] = [];
  const startedAt = new Date();
  try {
    await admin.connect();
    await admin.createTopics({
      topics: [{ topic: requestTopic, numPartitions: REPLY_PARTITIONS }],
      waitForLeaders: true,
    });
    const responder = await startResponderProcess(
      args.transport === 'kafkajs' ? 'pubscribe-header' : 'pubscribe-header-platformatic',
      { brokers: kafka.brokers, requests: requestTopic, replies: `${id}-unused`, groupPrefix: id },
    );
    try {
      const runs = args.instances.flatMap((instances) => args.modes.map((mode) => ({ instances, mode })));
      for (const [index, { instances, mode }] of runs.entries()) {
        const runId = `${id}-${mode}-${instances}`;
        const replyTopic = `${runId}-replies`;
        replyTopics.push(replyTopic);
        await admin.createTopics({
          topics: [{ topic: replyTopic, numPartitions: REPLY_PARTITIONS }],
          waitForLeaders: true,
        });
        const started = Date.now();
        const jobs: InstanceJob[] = Array.from({ length: instances }, (_, instance) => ({
          instance,
          mode,
          transport: args.transport,
          brokers: kafka.brokers,
          requestTopic,
          replyTopic,
          leaseGroupId: `${runId}-leases`,
          rate: args.load.kind === 'total' ? args.load.rate / instances : args.load.rate,
          ...windows,
        }));
        const running = jobs.map(startInstance);
        try {
          await Promise.all(running.map((instance) => instance.ready));
          const settledMs =
            mode === 'leased' ? await leasesSettled(admin, `${runId}-leases`, replyTopic, instances) : undefined;
          for (const instance of running) instance.child.send({ type: 'go' });
          const measured = row(mode, instances, await Promise.all(running.map((instance) => instance.result)));
          rows.push(measured);
          console.log(
            `[${index + 1}/${runs.length}] ${mode}, ${instances} instance${instances > 1 ? 's' : ''}: ` +
              `${measured.meanCpuMicrosPerRequest.toFixed(0)} µs CPU per request, ` +
              `${mean(measured.foreign).toFixed(0)} foreign per instance, ${measured.throughput.toFixed(0)} answered/s, ` +
              `p50 ${measured.latencyMs.p50.toFixed(1)} ms, p99 ${measured.latencyMs.p99.toFixed(1)} ms ` +
              `(run ${((Date.now() - started) / 1000).toFixed(0)} s${settledMs === undefined ? '' : `, leases settled in ${settledMs} ms`})`,
          );
        } finally {
          for (const instance of running) if (instance.child.exitCode === null) instance.child.kill('SIGKILL');
        }
      }
    } finally {
      await responder.stop();
      // Deleted only at the end: the responder's producer (kafkajs) keeps asking the broker about
      // every reply topic it has produced to, and a deleted one fails its look-up of a new one.
      await admin.deleteTopics({ topics: [requestTopic, ...replyTopics] }).catch(() => undefined);
    }
  } finally {
    await admin.disconnect();
    await kafka.release();
  }

  const table = markdownTable(rows);
  console.log(`\n${table}\n`);
  const broken = rows.filter((r) => r.errors + r.wrongReplies > 0 || r.sent === 0);
  if (broken.length > 0) {
    console.error(
      `runs with errors or wrong replies: ${broken.map((r) => `${r.mode}@${r.instances}`).join(', ')}; nothing written`,
    );
    process.exitCode = 1;
    return;
  }
  const machine = `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
  const broker = kafka.external
    ? `external cluster (${kafka.describe})`
    : `${kafka.describe}, group.initial.rebalance.delay.ms=0`;
  const loadText =
    args.load.kind === 'total'
      ? `${args.load.rate} requests per second in all, shared out evenly among the instances`
      : `${args.load.rate} requests per second from each instance`;
  const setup =
    `${loadText} on ${args.transport}; idle ${windows.idleMs} ms, warm-up ${windows.warmupMs} ms, ` +
    `measured ${windows.measureMs} ms; reply topic of ${REPLY_PARTITIONS} partitions, one echo responder (pubscribe serve)`;
  const folderName = args.transport === 'kafkajs' ? 'scaling' : `scaling-${args.transport}`;
  const folder = join(
    projectRoot(),
    'bench',
    'results',
    ...(args.complete ? (args.quick ? ['quick', folderName] : [folderName]) : ['tmp', folderName]),
  );
  mkdirSync(folder, { recursive: true });
  const title = `CPU per request against instances (${args.load.rate} requests/s ${args.load.kind === 'total' ? 'in all' : 'each'}, ${args.transport})`;
  writeFileSync(
    join(folder, 'results.md'),
    [
      `# Reply-side cost of scaling out (${args.quick ? 'quick' : 'full'} run)`,
      '',
      `Run ${startedAt.toISOString()} on ${machine}; broker: ${broker}.`,
      `${setup}.`,
      '',
      table,
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(folder, 'results.json'),
    `${JSON.stringify({ startedAt, machine, broker, setup, load: args.load, transport: args.transport, quick: args.quick, windows, rows }, null, 2)}\n`,
  );
  writeFileSync(join(folder, 'cpu-per-request.svg'), scalingPlot(rows, title));
  console.log(`written to ${folder}${args.complete ? '' : ' (a partial run: the committed results are unchanged)'}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
