import { Kafka, KafkaConfig, logLevel, Partitioners, ProducerConfig } from 'kafkajs';
import { asyncScheduler, Observable, SchedulerLike } from 'rxjs';
import { ClosedError } from '../../errors/index.js';
import { stderrLogger, type Logger } from '../../logging/index.js';
import type { OutgoingRecord, ProducedRecord } from '../records.js';
import type { EnsureTopicsResult, TopicSpec } from '../topic-spec.js';
import type {
  ConsumerSubscription,
  LeaseEvent,
  LeaseSubscription,
  ProduceOptions,
  Transport,
  TransportEvent,
  TransportFailure,
} from '../transport.js';
import { CoalescingProducer } from './coalescing-producer.js';
import { knownPartitionsOnly } from './known-partitions-only.js';
import { defaultPartitionChooser } from '../bounded-producer/partition-chooser.js';
import { produceRetry, ProduceRetryOptions } from '../bounded-producer/produce-retry.js';
import { MissingTopics } from '../topic-health.js';
import { customPartitionChooser } from './partition-chooser.js';
import { leaseConsumer } from './lease-consumer.js';
import { pinnedConsumer } from './pinned-consumer.js';
import { TopicCatalog } from './topic-catalog.js';
import { KafkajsLogBridge } from './kafkajs-log-bridge.js';
import { ensureKafkaTopics } from './kafkajs-topics.js';

/** The default of `maxRequestBytes`: 16 MiB, far below the broker's `socket.request.max.bytes` (100 MiB). */
const DEFAULT_MAX_REQUEST_BYTES = 16 * 1024 * 1024;
/** The smallest `maxRequestBytes` accepted: room for a request's own bytes and a small record batch. */
const MIN_MAX_REQUEST_BYTES = 4096;

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
   * Producer settings. Default: acks from all in-sync replicas, no auto topic creation, and
   * kafkajs's own retries off (`retry: { retries: 0 }`, unless `idempotent`): the transport retries
   * failures that usually pass itself, within each call's deadline (see `produceRetry`), where
   * kafkajs's retries would run on past it. Set `retry` here to have kafkajs retry as well.
   * A `createPartitioner` given here is asked for each record's partition before batching.
   */
  readonly producer?: ProducerConfig;
  /** Produce batches outstanding at once. Default 4. */
  readonly maxInFlightBatches?: number;
  /**
   * The largest produce request the transport builds, in bytes, all topics and partitions
   * together (each partition's record batch is also kept within its topic's `max.message.bytes`,
   * learned once per topic). A record too large to fit alone fails at once with a `ProduceError`
   * (`reason: 'record-too-large'`). Keep it below the broker's `socket.request.max.bytes`
   * (100 MiB by default). Default 16 MiB.
   */
  readonly maxRequestBytes?: number;
  /** How produce failures that usually pass are retried; see {@link ProduceRetryOptions}. */
  readonly produceRetry?: ProduceRetryOptions;
  /** Runs the transport's own waits (retry back-off, how long a missing topic is remembered). Default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
}

/**
 * The kafkajs implementation of the {@link Transport} port. Nothing connects until the first
 * produce or consumer subscription; `close()` stops what is still running.
 *
 * Records produced while earlier sends are in flight go together in one produce request, bounded
 * so the broker never refuses it for size: each partition's record batch within the topic's
 * `max.message.bytes` (read once per topic), the request within `maxRequestBytes`. A record too
 * large alone fails alone, at once, with a `ProduceError` whose `reason` is `'record-too-large'`;
 * a record the broker refuses fails alone too, and the records sent with it are sent again.
 * Failures that usually pass are retried within each call's deadline (see `produceRetry`).
 *
 * @example
 * import { kafkajsTransport } from 'pubscribe';
 *
 * const transport = kafkajsTransport({ kafka: { clientId: 'graphql-1', brokers: ['127.0.0.1:9092'] } });
 * // ... use it with consume(), pubScribe() or a requester; on shutdown:
 * process.once('SIGTERM', () => void transport.close());
 *
 * @param options the kafkajs client (or its config), producer settings and produce limits
 * @returns a transport that owns one producer (and an admin client that reads topic limits) and
 *   any number of ready-aware consumers
 * @throws RangeError for a `maxRequestBytes` below 4096 or a negative retry option
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
  const maxRequestBytes = options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES;
  if (!Number.isSafeInteger(maxRequestBytes) || maxRequestBytes < MIN_MAX_REQUEST_BYTES) {
    throw new RangeError(
      `kafkajsTransport: \`maxRequestBytes\` must be a whole number from ${MIN_MAX_REQUEST_BYTES}, got ${maxRequestBytes}.`,
    );
  }
  const producerConfig: ProducerConfig = {
    allowAutoTopicCreation: false,
    ...(options.producer?.idempotent ? {} : { retry: { retries: 0 } }),
    ...options.producer,
  };
  const producer = new CoalescingProducer(
    // kafkajs's default partitioner named explicitly (the transport picks partitions itself, the
    // same way): naming it silences kafkajs's warning about its v2 change on every start.
    kafka.producer({
      ...producerConfig,
      // kafkajs drops records to partitions its metadata does not list yet; this fails them instead.
      createPartitioner: knownPartitionsOnly(producerConfig.createPartitioner ?? Partitioners.DefaultPartitioner),
    }),
    new TopicCatalog(kafka, producerConfig.allowAutoTopicCreation === true),
    new MissingTopics(scheduler),
    {
      scheduler,
      maxInFlight: options.maxInFlightBatches,
      maxRequestBytes,
      retry: produceRetry(options.produceRetry),
      choosePartition: producerConfig.createPartitioner
        ? customPartitionChooser(producerConfig.createPartitioner)
        : defaultPartitionChooser(),
      factsMaxAgeMs: producerConfig.metadataMaxAge,
    },
  );
  const teardowns = new Set<Promise<void>>();
  const live = new Set<() => void>();
  let closed = false;
  /** `source`, refused once the transport is closed and ended with a ClosedError when it closes. */
  const untilClosed = <T>(source: Observable<T>, topic: string | undefined): Observable<T> =>
    new Observable<T>((subscriber) => {
      if (closed) {
        subscriber.error(new ClosedError({ what: 'transport', topic }));
        return;
      }
      const stop = () => subscriber.error(new ClosedError({ what: 'transport', topic }));
      live.add(stop);
      const inner = source.subscribe(subscriber);
      return () => {
        live.delete(stop);
        inner.unsubscribe();
      };
    });

  return {
    produce(records: readonly OutgoingRecord[], produceOptions?: ProduceOptions): Promise<readonly ProducedRecord[]> {
      if (closed) return Promise.reject(new ClosedError({ what: 'transport', topic: records[0]?.topic }));
      return producer.produce(records, produceOptions);
    },
    consume(subscription: ConsumerSubscription): Observable<TransportEvent> {
      return untilClosed(pinnedConsumer(kafka, subscription, teardowns, scheduler, logger), subscription.topics[0]);
    },
    lease(subscription: LeaseSubscription): Observable<LeaseEvent> {
      return untilClosed(leaseConsumer(kafka, subscription, teardowns, scheduler), subscription.topic);
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
      await producer.disconnect();
    },
  };
}
