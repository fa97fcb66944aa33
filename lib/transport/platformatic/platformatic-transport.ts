import {
  compatibilityPartitioner,
  Producer,
  ProduceAcks,
  type BaseOptions,
  type ClusterPartitionMetadata,
  type Partitioner,
  type ProducerOptions,
} from '@platformatic/kafka';
import { asyncScheduler, Observable, SchedulerLike } from 'rxjs';
import { ClosedError, type PubScribeError } from '../../errors/index.js';
import { BoundedProducer } from '../bounded-producer/bounded-producer.js';
import { produceRetry, type ProduceRetryOptions } from '../bounded-producer/produce-retry.js';
import type { OutgoingRecord, ProducedRecord } from '../records.js';
import { MissingTopics } from '../topic-health.js';
import type {
  ConsumerSubscription,
  LeaseEvent,
  LeaseSubscription,
  ProduceOptions,
  Transport,
  TransportEvent,
  TransportFailure,
} from '../transport.js';
import { platformaticLease } from './lease-group.js';
import { pinnedStreamConsumer } from './pinned-stream-consumer.js';
import { PlatformaticProducerClient, type PlatformaticMessage } from './platformatic-producer-client.js';
import { PlatformaticTopicCatalog } from './platformatic-topic-catalog.js';
import { fixTaggedFieldsDecoding } from './tagged-fields-fix.js';

/** The default of `maxRequestBytes`: 16 MiB, far below the broker's `socket.request.max.bytes` (100 MiB). */
const DEFAULT_MAX_REQUEST_BYTES = 16 * 1024 * 1024;
/** The smallest `maxRequestBytes` accepted: room for a request's own bytes and a small record batch. */
const MIN_MAX_REQUEST_BYTES = 4096;

/**
 * Where a record goes when the transport could not learn its topic's partitions (it picks them
 * itself otherwise): Kafka's Java partitioner for a keyed record (the client reduces the hash
 * modulo the partition count), round robin otherwise.
 */
function fallbackPartitioner(): Partitioner<Buffer, Buffer, Buffer, Buffer> {
  let next = 0;
  return (message, key) =>
    key === undefined ? (next = (next + 1) & 0x7fffffff) : compatibilityPartitioner(message, key);
}

/**
 * Options of {@link platformaticTransport}.
 *
 * @since 0.2.0
 * @category transport
 */
export interface PlatformaticTransportOptions {
  /**
   * The client settings every producer and consumer of this transport shares: `clientId`,
   * `bootstrapBrokers`, and `sasl`, `tls`, `timeout`, `retries` as @platformatic/kafka takes them.
   */
  readonly client: BaseOptions;
  /**
   * Producer settings (`acks`, `idempotent`, `retries`, ...). Default: acks from all in-sync
   * replicas, no auto topic creation, and the client's own retries off (`retries: 0`, unless
   * `idempotent`): the transport retries failures that usually pass itself, within each call's
   * deadline (see `produceRetry`), where the client's retries would run on past it. Set `retries`
   * here to have the client retry as well. Serializers and partitioners are the transport's own.
   * With `compression`, batches are still bounded by their uncompressed size.
   */
  readonly producer?: Omit<
    Partial<ProducerOptions<Buffer, Buffer, Buffer, Buffer>>,
    'serializers' | 'partitioner' | 'clientId' | 'bootstrapBrokers'
  >;
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
 * The @platformatic/kafka implementation of the {@link Transport} port: the same guarantees as
 * `kafkajsTransport` (ready means positioned, re-pinning after every rebalance, shared groups from
 * committed offsets, per-record acknowledgement) on a maintained pure-JavaScript client. Import it
 * from `pubscribe/platformatic`; `@platformatic/kafka` (^1.35, Node 20.19+) is an optional peer.
 * Nothing connects until the first produce or consumer subscription.
 *
 * Its producer is the kafkajs transport's, on this client: records produced while earlier sends
 * are in flight go together in one produce request, each partition's record batch within the
 * topic's `max.message.bytes` (read once per topic), the request within `maxRequestBytes`. A
 * record too large alone fails alone, at once, with a `ProduceError` whose `reason` is
 * `'record-too-large'`; a record the broker refuses fails alone too, and the records sent with it
 * are sent again. Failures that usually pass are retried within each call's deadline.
 *
 * @example
 * import { platformaticTransport } from 'pubscribe/platformatic';
 *
 * const transport = platformaticTransport({
 *   client: { clientId: 'graphql-1', bootstrapBrokers: ['127.0.0.1:9092'] },
 * });
 * // ... use it with consume(), pubScribe(), serve() or a requester; on shutdown:
 * process.once('SIGTERM', () => void transport.close());
 *
 * @param options the client settings (brokers, SASL, TLS) and producer settings
 * @returns a transport that owns one producer and any number of ready-aware consumers
 * @since 0.2.0
 * @category transport
 */
export function platformaticTransport(options: PlatformaticTransportOptions): Transport {
  fixTaggedFieldsDecoding();
  const scheduler = options.scheduler ?? asyncScheduler;
  const client: BaseOptions = { ...options.client, autocreateTopics: false };
  const maxRequestBytes = options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES;
  if (!Number.isSafeInteger(maxRequestBytes) || maxRequestBytes < MIN_MAX_REQUEST_BYTES) {
    throw new RangeError(
      `platformaticTransport: \`maxRequestBytes\` must be a whole number from ${MIN_MAX_REQUEST_BYTES}, got ${maxRequestBytes}.`,
    );
  }
  const retry = produceRetry(options.produceRetry, 'platformaticTransport');
  const acks = options.producer?.idempotent ? ProduceAcks.ALL : (options.producer?.acks ?? ProduceAcks.ALL);
  const producer = new BoundedProducer<PlatformaticMessage, ClusterPartitionMetadata>(
    new PlatformaticProducerClient(
      new Producer<Buffer, Buffer, Buffer, Buffer>({
        ...client,
        retries: 0,
        ...options.producer,
        acks,
        autocreateTopics: false,
        partitioner: fallbackPartitioner(),
      }),
      acks,
      scheduler,
    ),
    new PlatformaticTopicCatalog(client),
    new MissingTopics(scheduler),
    {
      scheduler,
      maxInFlight: options.maxInFlightBatches,
      maxRequestBytes,
      retry,
      factsMaxAgeMs: options.producer?.metadataMaxAge ?? options.client.metadataMaxAge,
    },
  );
  const teardowns = new Set<Promise<void>>();
  let failure: TransportFailure | undefined;
  const reportFailure = (error: PubScribeError) => {
    failure = { error, sequence: (failure?.sequence ?? 0) + 1 };
  };
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
      return untilClosed(
        pinnedStreamConsumer(client, subscription, { teardowns, scheduler, reportFailure }),
        subscription.topics[0],
      );
    },
    lease(subscription: LeaseSubscription): Observable<LeaseEvent> {
      return untilClosed(platformaticLease(client, subscription, teardowns), subscription.topic);
    },
    lastFailure(): TransportFailure | undefined {
      return failure;
    },
    async close(): Promise<void> {
      closed = true;
      for (const stop of [...live]) stop();
      await Promise.all([...teardowns]);
      await producer.disconnect();
    },
  };
}
