import { Producer, ProduceAcks, type BaseOptions, type ProducerOptions } from '@platformatic/kafka';
import { asyncScheduler, Observable, SchedulerLike } from 'rxjs';
import { ClosedError } from '../../errors/index.js';
import { MissingTopics } from '../topic-health.js';
import type { OutgoingRecord, ProducedRecord } from '../records.js';
import type { ConsumerSubscription, ProduceOptions, Transport, TransportEvent } from '../transport.js';
import { pinnedStreamConsumer } from './pinned-stream-consumer.js';
import { PlatformaticProducer } from './platformatic-producer.js';

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
   * Producer settings (`acks`, `compression`, `idempotent`, ...). Default: acks from all in-sync
   * replicas, no auto topic creation. Serializers and partitioners are the transport's own.
   */
  readonly producer?: Omit<
    Partial<ProducerOptions<Buffer, Buffer, Buffer, Buffer>>,
    'serializers' | 'partitioner' | 'clientId' | 'bootstrapBrokers'
  >;
  /** Produce requests outstanding at once. Default 4. */
  readonly maxInFlightBatches?: number;
  /** Estimated bytes after which a coalesced produce request is closed. Default 1 MiB (the broker's default limit). */
  readonly maxBatchBytes?: number;
  /** Runs the transport's own waits (how long a missing topic is remembered). Default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
}

/**
 * The @platformatic/kafka implementation of the {@link Transport} port: the same guarantees as
 * `kafkajsTransport` (ready means positioned, re-pinning after every rebalance, shared groups from
 * committed offsets, per-record acknowledgement) on a maintained pure-JavaScript client. Import it
 * from `pubscribe/platformatic`; `@platformatic/kafka` (^1.35, Node 20.19+) is an optional peer.
 * Nothing connects until the first produce or consumer subscription.
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
  const scheduler = options.scheduler ?? asyncScheduler;
  const client: BaseOptions = { ...options.client, autocreateTopics: false };
  const acks = options.producer?.idempotent ? ProduceAcks.ALL : (options.producer?.acks ?? ProduceAcks.ALL);
  const producer = new PlatformaticProducer(
    new Producer<Buffer, Buffer, Buffer, Buffer>({ ...options.producer, acks, ...client }),
    new MissingTopics(scheduler),
    { maxInFlight: options.maxInFlightBatches ?? 4, maxBatchBytes: options.maxBatchBytes ?? 1_048_576, acks },
  );
  const teardowns = new Set<Promise<void>>();
  const live = new Set<() => void>();
  let closed = false;

  return {
    // The deadline is not used yet: the client's own retry budget (`client.retries`) applies.
    produce(records: readonly OutgoingRecord[], _options?: ProduceOptions): Promise<readonly ProducedRecord[]> {
      if (closed) return Promise.reject(new ClosedError({ what: 'transport', topic: records[0]?.topic }));
      return producer.produce(records);
    },
    consume(subscription: ConsumerSubscription): Observable<TransportEvent> {
      const consumer = pinnedStreamConsumer(client, subscription, teardowns);
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
    async close(): Promise<void> {
      closed = true;
      for (const stop of [...live]) stop();
      await Promise.all([...teardowns]);
      await producer.close();
    },
  };
}
