import { Kafka, KafkaConfig, logLevel, Partitioners, ProducerConfig } from 'kafkajs';
import { asyncScheduler, Observable, SchedulerLike } from 'rxjs';
import { ClosedError } from '../../errors/index.js';
import { stderrLogger, type Logger } from '../../logging/index.js';
import type { OutgoingRecord, ProducedRecord } from '../records.js';
import type { EnsureTopicsResult, TopicSpec } from '../topic-spec.js';
import type { ConsumerSubscription, Transport, TransportEvent, TransportFailure } from '../transport.js';
import { CoalescingProducer } from './coalescing-producer.js';
import { KafkajsLogBridge } from './kafkajs-log-bridge.js';
import { ensureKafkaTopics } from './kafkajs-topics.js';
import { pinnedConsumer } from './pinned-consumer.js';
import { TopicDirectory } from './topic-directory.js';
import { TopicGate } from './topic-gate.js';
import { MissingTopics } from './topic-health.js';

/**
 * Options of {@link kafkajsTransport}.
 *
 * @since 0.1.0
 * @category transport
 */
export interface KafkajsTransportOptions {
  /**
   * A kafkajs client you configured (SASL, SSL, logging), or the config to create one. From a
   * config, kafkajs logs through `logger` at its `logLevel` (default `WARN`) unless the config
   * names its own `logCreator`; a client you built keeps its own logging, and a `NotReadyError`
   * then cannot name the client's last failure.
   */
  readonly kafka: Kafka | KafkaConfig;
  /**
   * Where pubscribe and kafkajs log. Default `stderrLogger('warn')`: warnings and errors to
   * standard error, nothing to standard output. `silentLogger` drops everything.
   */
  readonly logger?: Logger;
  /**
   * Producer settings. Default: acks from all in-sync replicas, no auto topic creation, kafkajs's
   * default (Java-compatible) partitioner.
   */
  readonly producer?: ProducerConfig;
  /** Produce batches outstanding at once. Default 4. */
  readonly maxInFlightBatches?: number;
  /** Runs the transport's own waits (retry back-off, how long a missing topic is remembered). Default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
}

/**
 * The kafkajs implementation of the {@link Transport} port. Nothing connects until the first
 * produce or consumer subscription; `close()` stops what is still running.
 *
 * @example
 * import { kafkajsTransport } from 'pubscribe';
 *
 * const transport = kafkajsTransport({ kafka: { clientId: 'graphql-1', brokers: ['127.0.0.1:9092'] } });
 * // ... use it with consume(), pubScribe() or a requester; on shutdown:
 * process.once('SIGTERM', () => void transport.close());
 *
 * @param options the kafkajs client (or its config) and producer settings
 * @returns a transport that owns one producer and any number of ready-aware consumers
 * @since 0.1.0
 * @category transport
 */
export function kafkajsTransport(options: KafkajsTransportOptions): Transport {
  const scheduler = options.scheduler ?? asyncScheduler;
  const logger = options.logger ?? stderrLogger('warn');
  const bridge = new KafkajsLogBridge(logger);
  const kafka =
    options.kafka instanceof Kafka
      ? options.kafka
      : new Kafka({ logLevel: logLevel.WARN, logCreator: bridge.logCreator, ...options.kafka });
  const missingTopics = new MissingTopics(scheduler);
  const producer = new CoalescingProducer(
    // The partitioner named explicitly: it is kafkajs's default (murmur2, as the Java client), and
    // naming it silences kafkajs's warning about its v2 change on every start.
    kafka.producer({
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
      ...options.producer,
    }),
    missingTopics,
    options.maxInFlightBatches,
  );
  const directory = new TopicDirectory(kafka, scheduler);
  const gate = new TopicGate(directory, missingTopics);
  const teardowns = new Set<Promise<void>>();
  const live = new Set<() => void>();
  let closed = false;

  return {
    produce(records: readonly OutgoingRecord[]): Promise<readonly ProducedRecord[]> {
      if (closed) return Promise.reject(new ClosedError({ what: 'transport', topic: records[0]?.topic }));
      return gate.produce(records, (checked) => producer.produce(checked));
    },
    consume(subscription: ConsumerSubscription): Observable<TransportEvent> {
      const consumer = pinnedConsumer(kafka, subscription, teardowns, scheduler, logger);
      return new Observable<TransportEvent>((subscriber) => {
        if (closed) {
          subscriber.error(new ClosedError({ what: 'transport', topic: subscription.topics[0] }));
          return;
        }
        const stop = () => subscriber.error(new ClosedError({ what: 'transport', topic: subscription.topics[0] }));
        live.add(stop);
        const inner = consumer.subscribe(subscriber);
        return () => {
          live.delete(stop);
          inner.unsubscribe();
        };
      });
    },
    ensureTopics(topics: readonly TopicSpec[]): Promise<EnsureTopicsResult> {
      if (closed) return Promise.reject(new ClosedError({ what: 'transport', topic: topics[0]?.topic }));
      const work = ensureKafkaTopics(kafka, topics, scheduler);
      // close() waits for the admin connection to be let go.
      const settled = work.then(
        () => undefined,
        () => undefined,
      );
      teardowns.add(settled);
      void settled.then(() => teardowns.delete(settled));
      return work;
    },
    lastFailure(): TransportFailure | undefined {
      return bridge.lastFailure;
    },
    async close(): Promise<void> {
      closed = true;
      for (const stop of [...live]) stop();
      await Promise.all([...teardowns]);
      await directory.settled();
      await producer.disconnect();
    },
  };
}
