/** One KRaft node of a loopback cluster: its id, its ports and its data folder. */
export interface KafkaNodeLayout {
  readonly nodeId: number;
  readonly port: number;
  readonly controllerPort: number;
  readonly logDir: string;
}

/** Broker settings a caller may override (for example `group.initial.rebalance.delay.ms`). */
export type BrokerOverrides = Readonly<Record<string, string | number | boolean>>;

/**
 * The `server.properties` of one combined broker+controller node. Settings are sized for tests on a
 * small machine; `group.initial.rebalance.delay.ms=0` so a fresh group joins at once (the broker's
 * default of 3000 ms is what production sees; benchmarks report which value they used).
 */
export function serverProperties(
  node: KafkaNodeLayout,
  cluster: readonly KafkaNodeLayout[],
  overrides: BrokerOverrides = {},
): string {
  const replication = Math.min(3, cluster.length);
  // Several nodes: a dead broker is fenced (and dropped from every ISR) after the session timeout,
  // 9 s by default; 3 s makes failover tests wait less. The heartbeat must stay well below it.
  const failover: Record<string, number> =
    cluster.length > 1 ? { 'broker.session.timeout.ms': 3000, 'broker.heartbeat.interval.ms': 500 } : {};
  const settings: Record<string, string | number | boolean> = {
    'process.roles': 'broker,controller',
    'node.id': node.nodeId,
    'controller.quorum.voters': cluster.map((n) => `${n.nodeId}@127.0.0.1:${n.controllerPort}`).join(','),
    listeners: `PLAINTEXT://127.0.0.1:${node.port},CONTROLLER://127.0.0.1:${node.controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${node.port}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    'log.dirs': node.logDir,
    'group.initial.rebalance.delay.ms': 0,
    'offsets.topic.replication.factor': replication,
    'offsets.topic.num.partitions': 1,
    'transaction.state.log.replication.factor': replication,
    'transaction.state.log.min.isr': Math.min(2, replication),
    'share.coordinator.state.topic.replication.factor': replication,
    'share.coordinator.state.topic.min.isr': Math.min(2, replication),
    'default.replication.factor': replication,
    'min.insync.replicas': Math.min(2, replication),
    'num.partitions': 1,
    'num.network.threads': 2,
    'num.io.threads': 2,
    'log.cleaner.dedupe.buffer.size': 8388608,
    'auto.create.topics.enable': false,
    ...failover,
    ...overrides,
  };
  return Object.entries(settings)
    .map(([key, value]) => `${key}=${value}`)
    .join('\n')
    .concat('\n');
}

/** Log4j 2 settings: warnings and the start-up line only, so the log stays small and readable. */
export const brokerLog4j2 = `status = error
appender.console.type = Console
appender.console.name = STDOUT
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.stdout.ref = STDOUT
logger.raft.name = kafka.server.KafkaRaftServer
logger.raft.level = INFO
`;
