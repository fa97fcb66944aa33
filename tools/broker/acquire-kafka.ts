import { startLocalKafka, LocalKafkaOptions } from './local-kafka';

/** The brokers a run talks to, and how to let go of them. */
export interface KafkaForRun {
  readonly brokers: readonly string[];
  /** True when KAFKA_BROKERS named an existing cluster, which this run must not stop. */
  readonly external: boolean;
  readonly describe: string;
  release(): Promise<void>;
}

/** Parses `KAFKA_BROKERS=host:port[,host:port...]`; undefined when unset or blank. */
export function brokersFromEnvironment(value = process.env.KAFKA_BROKERS): string[] | undefined {
  const brokers = (value ?? '')
    .split(',')
    .map((broker) => broker.trim())
    .filter((broker) => broker.length > 0);
  return brokers.length > 0 ? brokers : undefined;
}

/**
 * Uses the cluster named by `KAFKA_BROKERS` when set; otherwise provisions and starts a local
 * broker that `release()` stops. Reports start-up time and the JVM's resident memory through `log`.
 */
export async function acquireKafka(options: LocalKafkaOptions = {}): Promise<KafkaForRun> {
  const log = options.log ?? (() => undefined);
  const external = brokersFromEnvironment();
  if (external) {
    log(`using the existing Kafka cluster at ${external.join(',')} (KAFKA_BROKERS)`);
    return {
      brokers: external,
      external: true,
      describe: `KAFKA_BROKERS=${external.join(',')}`,
      release: async () => undefined,
    };
  }
  const kafka = await startLocalKafka(options);
  const rss = kafka.residentBytes().map((bytes) => `${(bytes / 2 ** 20).toFixed(0)} MiB`);
  log(`broker start-up ${kafka.startupMs} ms; JVM resident memory ${rss.join(', ')}`);
  return {
    brokers: kafka.brokers,
    external: false,
    describe: `local Apache Kafka ${kafka.version} (${kafka.nodes.length} node${kafka.nodes.length > 1 ? 's' : ''})`,
    release: () => kafka.stop(),
  };
}
