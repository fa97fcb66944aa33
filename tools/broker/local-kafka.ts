import { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrokerStartError } from './errors';
import { freePorts } from './free-port';
import { exited, residentBytes, runJava, spawnJava, tail } from './kafka-process';
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
}

/** One running node of a local cluster. */
export interface LocalKafkaNode {
  readonly nodeId: number;
  readonly port: number;
  readonly pid: number | undefined;
}

/** A running local Kafka cluster, owned by this process. */
export interface LocalKafka {
  readonly version: string;
  /** `host:port` of every node, for a client's `brokers` option. */
  readonly brokers: readonly string[];
  readonly nodes: readonly LocalKafkaNode[];
  /** Milliseconds from spawning the JVMs until every client port accepted connections. */
  readonly startupMs: number;
  /** Resident memory of each node's JVM now, in bytes. */
  residentBytes(): number[];
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

async function stopNode(node: NodeRuntime, graceMs: number): Promise<void> {
  const child = node.child;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited(child);
  clearTimeout(timer);
}

/**
 * Starts a KRaft cluster of `nodes` combined broker+controller JVMs on free loopback ports, in a
 * fresh temporary folder, and resolves once every client port serves. Provisions the jars first
 * (see `ensureKafkaInstalled`). Fails with a `BrokerStartError` that says why and what to do.
 */
export async function startLocalKafka(options: LocalKafkaOptions = {}): Promise<LocalKafka> {
  const log = options.log ?? (() => undefined);
  const count = options.nodes ?? 1;
  requireJava();
  const installation = ensureKafkaInstalled(log);
  const root = mkdtempSync(join(tmpdir(), 'pubscribe-kafka-'));
  const ports = await freePorts(count * 2);
  const layouts: KafkaNodeLayout[] = Array.from({ length: count }, (_, index) => ({
    nodeId: index + 1,
    port: ports[index * 2]!,
    controllerPort: ports[index * 2 + 1]!,
    logDir: join(root, `node-${index + 1}`, 'data'),
  }));
  const log4jFile = join(root, 'log4j2.properties');
  writeFileSync(log4jFile, brokerLog4j2);
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
    writeFileSync(config, serverProperties(layout, layouts, options.overrides));
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

  const spawnedAt = Date.now();
  for (const node of nodes) node.child = spawnJava([...javaBase, 'kafka.Kafka', node.config], node.logFile);

  const deadline = spawnedAt + (options.startTimeoutMs ?? 90_000);
  const pending = new Set(nodes);
  while (pending.size > 0) {
    for (const node of [...pending]) {
      const child = node.child!;
      if (child.exitCode !== null || child.signalCode !== null) {
        const logTail = tail(node.logFile);
        await cleanUp();
        const portTaken = /Address already in use|BindException/.test(logTail);
        throw new BrokerStartError(
          portTaken ? 'port-taken' : 'exited',
          portTaken
            ? `Kafka node ${node.layout.nodeId} could not bind port ${node.layout.port} or ${node.layout.controllerPort}: another process took it. Run again, or free the port.`
            : `Kafka node ${node.layout.nodeId} exited during start-up (code ${child.exitCode}, signal ${child.signalCode}).`,
          logTail,
        );
      }
      if (await portAccepts(node.layout.port)) pending.delete(node);
    }
    if (pending.size === 0) break;
    if (Date.now() > deadline) {
      const logTail = nodes.map((node) => tail(node.logFile, 10)).join('\n');
      await cleanUp();
      throw new BrokerStartError(
        'timeout',
        `Kafka did not serve within ${options.startTimeoutMs ?? 90_000} ms. The machine may be overloaded; raise startTimeoutMs or see the log below.`,
        logTail,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const startupMs = Date.now() - spawnedAt;
  log(
    `Apache Kafka ${installation.version} serving on ${layouts.map((l) => `127.0.0.1:${l.port}`).join(',')} after ${startupMs} ms`,
  );

  let stopping: Promise<void> | undefined;
  return {
    version: installation.version,
    brokers: layouts.map((layout) => `127.0.0.1:${layout.port}`),
    nodes: nodes.map((node) => ({ nodeId: node.layout.nodeId, port: node.layout.port, pid: node.child?.pid })),
    startupMs,
    residentBytes: () => nodes.map((node) => residentBytes(node.child?.pid)),
    stop: () => (stopping ??= cleanUp()),
  };
}
