import { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrokerStartError } from './errors';
import { freePorts } from './free-port';
import { SaslListener, saslProperties } from './sasl';
import { exited, freezeProcess, residentBytes, runJava, spawnJava, tail, thawProcess } from './kafka-process';
import { ensureKafkaInstalled, requireJava } from './provision';
import { BrokerOverrides, brokerLog4j2, KafkaNodeLayout, serverProperties } from './server-properties';
import { portAccepts } from './wait-for-port';

/** How to start a local cluster. */
export interface LocalKafkaOptions {
  /** Number of combined broker+controller nodes (1 for tests, 3 for failover). Default 1. */
  readonly nodes?: number;
  /** Extra or replaced broker settings, applied to every node. */
  readonly overrides?: BrokerOverrides;
  /** Give up when the cluster is not serving after this long. Default 90 000 ms. */
  readonly startTimeoutMs?: number;
  /** JVM heap per node. Default 384m. */
  readonly heap?: string;
  /** Progress lines (provisioning, start-up). */
  readonly log?: (line: string) => void;
  /** Broker loggers to raise, e.g. `{ 'kafka.cluster.Partition': 'INFO' }` (the log keeps warnings only otherwise). */
  readonly logLevels?: Readonly<Record<string, string>>;
  /** Adds a SASL_PLAINTEXT listener with PLAIN users and ACL authorization (see `saslBrokers`). */
  readonly sasl?: SaslListener;
}

/** One node of a local cluster. `pid` is the JVM running now (undefined while the node is down). */
export interface LocalKafkaNode {
  readonly nodeId: number;
  readonly port: number;
  readonly pid: number | undefined;
}

/** How a node or the cluster goes down before it is started again. */
export interface RestartOptions {
  /** `SIGTERM` (a clean shutdown, then SIGKILL after 10 s) or `SIGKILL` (a crash). Default `SIGTERM`. */
  readonly signal?: 'SIGTERM' | 'SIGKILL';
}

/** A running local Kafka cluster, owned by this process. */
export interface LocalKafka {
  readonly version: string;
  /** `host:port` of every node, for a client's `brokers` option. */
  readonly brokers: readonly string[];
  /** `host:port` of every node's SASL_PLAINTEXT listener (empty without the `sasl` option). */
  readonly saslBrokers: readonly string[];
  /** Every node, with the pid of its current JVM. */
  readonly nodes: readonly LocalKafkaNode[];
  /** Milliseconds from spawning the JVMs until every client port accepted connections. */
  readonly startupMs: number;
  /** Each node's broker log (deleted by `stop()`). */
  readonly logFiles: readonly string[];
  /** Resident memory of each node's JVM now, in bytes (0 for a node that is down). */
  residentBytes(): number[];
  /** Crashes one node: SIGKILL to its JVM (a frozen one too); resolves once it has exited. */
  kill(nodeId: number): Promise<void>;
  /**
   * Starts one node again with the same config, data folder and ports, stopping it first if it
   * still runs; resolves with the milliseconds until its client port served again.
   */
  restart(nodeId: number, options?: RestartOptions): Promise<number>;
  /**
   * Stops every node, then starts them all again at once (a quorum forms only with a majority up);
   * for one node this is a broker restart. Resolves with the milliseconds from the first JVM going
   * down until every client port served again.
   */
  restartCluster(options?: RestartOptions): Promise<number>;
  /** Suspends a node's JVM (SIGSTOP): its sockets stay open but nothing answers. */
  freeze(nodeId: number): void;
  /** Resumes a frozen JVM (SIGCONT). */
  thaw(nodeId: number): void;
  /** Stops every node (SIGTERM, then SIGKILL after a grace period) and deletes its data. */
  stop(): Promise<void>;
}

const clusterIdAlphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_';

function randomClusterId(): string {
  // 22 base64url characters, never starting with '-' (StorageTool's rule).
  return [...randomBytes(22)].map((byte) => clusterIdAlphabet[byte % clusterIdAlphabet.length]).join('');
}

interface NodeRuntime {
  readonly layout: KafkaNodeLayout;
  readonly config: string;
  readonly logFile: string;
  child?: ChildProcess;
}

function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

async function stopNode(node: NodeRuntime, graceMs: number, signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
  const child = node.child;
  if (!child || !isRunning(child)) return;
  // A frozen JVM would hold a SIGTERM until thawed; SIGKILL ends it either way.
  thawProcess(child);
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited(child);
  clearTimeout(timer);
}

/**
 * Starts a KRaft cluster of `nodes` combined broker+controller JVMs on free loopback ports, in a
 * fresh temporary folder, and resolves once every client port serves. Provisions the jars first
 * (see `ensureKafkaInstalled`). Fails with a `BrokerStartError` that says why and what to do.
 *
 * The cluster can be hurt on purpose (`kill`, `restart`, `restartCluster`, `freeze`, `thaw`) for
 * fault tests; a restarted JVM is tied to this process exactly like the first one.
 */
export async function startLocalKafka(options: LocalKafkaOptions = {}): Promise<LocalKafka> {
  const log = options.log ?? (() => undefined);
  const count = options.nodes ?? 1;
  const startTimeoutMs = options.startTimeoutMs ?? 90_000;
  requireJava();
  const installation = ensureKafkaInstalled(log);
  const root = mkdtempSync(join(tmpdir(), 'pubscribe-kafka-'));
  const ports = await freePorts(count * 2);
  const saslPorts = options.sasl ? await freePorts(count) : [];
  const layouts: KafkaNodeLayout[] = Array.from({ length: count }, (_, index) => ({
    nodeId: index + 1,
    port: ports[index * 2]!,
    controllerPort: ports[index * 2 + 1]!,
    logDir: join(root, `node-${index + 1}`, 'data'),
  }));
  const log4jFile = join(root, 'log4j2.properties');
  const extraLoggers = Object.entries(options.logLevels ?? {}).map(
    ([logger, level], index) => `logger.extra${index}.name = ${logger}\nlogger.extra${index}.level = ${level}\n`,
  );
  writeFileSync(log4jFile, brokerLog4j2 + extraLoggers.join(''));
  const javaBase = [
    `-Xms${options.heap ?? '384m'}`,
    `-Xmx${options.heap ?? '384m'}`,
    '-XX:+UseSerialGC',
    '-XX:TieredStopAtLevel=1',
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=file:${log4jFile}`,
    '-cp',
    join(installation.libs, '*'),
  ];
  const clusterId = randomClusterId();
  const nodes: NodeRuntime[] = layouts.map((layout) => {
    const folder = join(root, `node-${layout.nodeId}`);
    mkdirSync(folder, { recursive: true });
    const config = join(folder, 'server.properties');
    const sasl =
      options.sasl &&
      saslProperties(
        { port: layout.port, controllerPort: layout.controllerPort, saslPort: saslPorts[layout.nodeId - 1]! },
        options.sasl,
      );
    writeFileSync(config, serverProperties(layout, layouts, { ...sasl, ...options.overrides }));
    return { layout, config, logFile: join(folder, 'broker.log') };
  });

  const cleanUp = async () => {
    await Promise.all(nodes.map((node) => stopNode(node, 10_000)));
    rmSync(root, { recursive: true, force: true });
  };

  for (const node of nodes) {
    const formatted = runJava([...javaBase, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', node.config]);
    if (formatted.status !== 0) {
      await cleanUp();
      throw new BrokerStartError(
        'format-failed',
        `kafka StorageTool format failed (exit ${formatted.status})`,
        formatted.output.trim(),
      );
    }
  }

  const spawnNode = (node: NodeRuntime) => {
    node.child = spawnJava([...javaBase, 'kafka.Kafka', node.config], node.logFile);
  };

  /** Waits until every node in `starting` serves; fails (and, at start-up, cleans up) otherwise. */
  const awaitServing = async (starting: readonly NodeRuntime[], spawnedAt: number, cleanUpOnFailure: boolean) => {
    const deadline = spawnedAt + startTimeoutMs;
    const pending = new Set(starting);
    while (pending.size > 0) {
      for (const node of [...pending]) {
        const child = node.child;
        if (!child || !isRunning(child)) {
          const logTail = tail(node.logFile);
          if (cleanUpOnFailure) await cleanUp();
          const portTaken = /Address already in use|BindException/.test(logTail);
          throw new BrokerStartError(
            portTaken ? 'port-taken' : 'exited',
            portTaken
              ? `Kafka node ${node.layout.nodeId} could not bind port ${node.layout.port} or ${node.layout.controllerPort}: another process took it. Run again, or free the port.`
              : `Kafka node ${node.layout.nodeId} exited during start-up (code ${child?.exitCode}, signal ${child?.signalCode}).`,
            logTail,
          );
        }
        if (await portAccepts(node.layout.port)) pending.delete(node);
      }
      if (pending.size === 0) break;
      if (Date.now() > deadline) {
        const logTail = starting.map((node) => tail(node.logFile, 10)).join('\n');
        if (cleanUpOnFailure) await cleanUp();
        throw new BrokerStartError(
          'timeout',
          `Kafka did not serve within ${startTimeoutMs} ms. The machine may be overloaded; raise startTimeoutMs or see the log below.`,
          logTail,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return Date.now() - spawnedAt;
  };

  const spawnedAt = Date.now();
  for (const node of nodes) spawnNode(node);
  const startupMs = await awaitServing(nodes, spawnedAt, true);
  log(
    `Apache Kafka ${installation.version} serving on ${layouts.map((l) => `127.0.0.1:${l.port}`).join(',')} after ${startupMs} ms`,
  );

  const nodeById = (nodeId: number): NodeRuntime => {
    const node = nodes.find((candidate) => candidate.layout.nodeId === nodeId);
    if (!node) throw new RangeError(`no Kafka node ${nodeId}; the cluster has nodes 1..${nodes.length}`);
    return node;
  };
  const signal = (nodeId: number, name: 'SIGSTOP' | 'SIGCONT') => {
    const child = nodeById(nodeId).child;
    if (!child || !isRunning(child)) throw new Error(`Kafka node ${nodeId} is not running`);
    if (name === 'SIGSTOP') freezeProcess(child);
    else thawProcess(child);
  };
  let stopping: Promise<void> | undefined;
  const refuseWhenStopped = () => {
    if (stopping) throw new Error('the local Kafka cluster was stopped');
  };
  return {
    version: installation.version,
    brokers: layouts.map((layout) => `127.0.0.1:${layout.port}`),
    saslBrokers: saslPorts.map((port) => `127.0.0.1:${port}`),
    nodes: nodes.map((node) => ({
      nodeId: node.layout.nodeId,
      port: node.layout.port,
      get pid() {
        return node.child && isRunning(node.child) ? node.child.pid : undefined;
      },
    })),
    startupMs,
    logFiles: nodes.map((node) => node.logFile),
    residentBytes: () => nodes.map((node) => (node.child && isRunning(node.child) ? residentBytes(node.child.pid) : 0)),
    async kill(nodeId) {
      refuseWhenStopped();
      await stopNode(nodeById(nodeId), 0, 'SIGKILL');
    },
    async restart(nodeId, restartOptions = {}) {
      refuseWhenStopped();
      const node = nodeById(nodeId);
      await stopNode(node, 10_000, restartOptions.signal);
      const respawnedAt = Date.now();
      spawnNode(node);
      return awaitServing([node], respawnedAt, false);
    },
    async restartCluster(restartOptions = {}) {
      refuseWhenStopped();
      const stoppedAt = Date.now();
      await Promise.all(nodes.map((node) => stopNode(node, 10_000, restartOptions.signal)));
      for (const node of nodes) spawnNode(node);
      await awaitServing(nodes, Date.now(), false);
      return Date.now() - stoppedAt;
    },
    freeze: (nodeId) => signal(nodeId, 'SIGSTOP'),
    thaw: (nodeId) => signal(nodeId, 'SIGCONT'),
    stop: () => (stopping ??= cleanUp()),
  };
}
