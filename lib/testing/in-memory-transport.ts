import { asyncScheduler, Observable, type SchedulerLike } from 'rxjs';
import { ClosedError, ProduceError } from '../errors/index.js';
import { DEFAULT_MAX_MESSAGE_BYTES, recordBatchBytes } from '../transport/record-size.js';
import type { ConsumedRecord, OutgoingRecord, ProducedRecord } from '../transport/records.js';
import type { EnsureTopicsResult, TopicSpec } from '../transport/topic-spec.js';
import type {
  ConsumerSubscription,
  LeaseEvent,
  LeaseSubscription,
  ProduceOptions,
  Transport,
  TransportEvent,
} from '../transport/transport.js';
import { inMemoryConsumer } from './in-memory-consumer.js';
import { inMemoryLease } from './in-memory-lease.js';
import { InMemoryGroups } from './in-memory-groups.js';
import { InMemoryLog } from './in-memory-log.js';
import { PendingWork } from './pending-work.js';

/**
 * Options of {@link inMemoryTransport}.
 *
 * @example
 * import { strict as assert } from 'node:assert';
 * import { TestScheduler } from 'rxjs/testing';
 * import { InMemoryTransportOptions } from 'pubscribe/testing';
 *
 * const scheduler = new TestScheduler((actual, expected) => assert.deepEqual(actual, expected));
 * const options: InMemoryTransportOptions = { topics: { requests: 3, replies: 1 }, scheduler, readyDelay: 5 };
 *
 * @since 0.1.0
 * @category testing
 */
export interface InMemoryTransportOptions {
  /**
   * Topics and their partition counts. Producing to, or consuming from, a topic not created here
   * or with `createTopic` fails, like a broker with topic auto-creation off.
   */
  readonly topics?: Readonly<Record<string, number>>;
  /** Every wait goes through this scheduler (default `asyncScheduler`), so a `TestScheduler` runs it in virtual time. */
  readonly scheduler?: SchedulerLike;
  /** Time from subscribe until a consumer is ready: Kafka's group join and positioning window. Default 0. */
  readonly readyDelay?: number;
  /** Time from produce until a record is visible to consumers. Default 0. */
  readonly deliveryDelay?: number;
  /**
   * Each topic's `max.message.bytes`: one number for every topic, or a number per topic (the others
   * get Kafka's default, `DEFAULT_MAX_MESSAGE_BYTES`, 1 MiB). A record larger than its topic's limit
   * alone (as `recordBatchBytes` measures it) fails its `produce` call with a `ProduceError`
   * whose `reason` is `'record-too-large'`, as the kafkajs transport does. Default 1 MiB.
   */
  readonly maxMessageBytes?: number | Readonly<Record<string, number>>;
}

/**
 * A {@link Transport} held in memory, with helpers for assertions. See {@link inMemoryTransport}.
 *
 * An in-memory stand-in for Kafka, for unit and marble tests of code that uses pubscribe. It is
 * not Kafka: it models topics, partitions, offsets, consumer groups and the start-up window,
 * nothing more. Integration tests must use a real broker.
 *
 * @example
 * import { InMemoryTransport, inMemoryTransport } from 'pubscribe/testing';
 *
 * async function check(): Promise<void> {
 *   const transport: InMemoryTransport = inMemoryTransport({ topics: { 'user-created': 1 } });
 *   await transport.produce([{ topic: 'user-created', key: 'user-1', value: '{"name":"Ada"}' }]);
 *   transport.records('user-created').map((record) => record.value?.toString()); // ['{"name":"Ada"}']
 *   transport.activeConsumers; // 0
 * }
 *
 * @since 0.1.0
 * @category testing
 */
export interface InMemoryTransport extends Transport {
  /**
   * Appends the records at once and resolves with where they went; rejects with a `ProduceError`
   * (nothing appended) when a topic or partition does not exist or a record is larger than its
   * topic's `max.message.bytes` (`reason: 'record-too-large'`, with `recordBytes` and
   * `limitBytes`), or a `ClosedError` after `close()`. A `deadline` is accepted and has nothing to
   * bound: nothing here fails in a way worth retrying.
   * The records reach consumers after `deliveryDelay`, on the scheduler. The promise itself settles
   * in a microtask, which `TestScheduler.run` does not control: inside `run`, produce and move on
   * (`void transport.produce(...)`) and observe the consumer side, which the scheduler drives.
   *
   * @example
   * import { inMemoryTransport } from 'pubscribe/testing';
   *
   * const transport = inMemoryTransport({ topics: { requests: 2 } });
   * void transport.produce([{ topic: 'requests', partition: 1, value: 'ping' }]).then(([placed]) => {
   *   // placed: { topic: 'requests', partition: 1, offset: '0' }
   * });
   *
   * @param records the records to append, in order
   * @param options when the records stop being wanted (accepted for the port's sake; unused)
   * @returns per record, its topic and (when known, as kafkajs reports it) its partition and the
   *   base offset of its batch
   * @since 0.1.0
   * @category testing
   */
  produce(records: readonly OutgoingRecord[], options?: ProduceOptions): Promise<readonly ProducedRecord[]>;

  /**
   * Adds a topic. Adding one again with the same partition count does nothing; with another
   * count it throws, as does a partition count that is not a whole number from 1. A
   * `maxMessageBytes` given here sets the topic's `max.message.bytes` (see
   * {@link InMemoryTransportOptions.maxMessageBytes}).
   *
   * @example
   * import { inMemoryTransport } from 'pubscribe/testing';
   *
   * const transport = inMemoryTransport();
   * transport.createTopic('create-user', 3);
   * transport.createTopic('thumbnails', 1, { maxMessageBytes: 10_240 });
   *
   * @param topic the topic's name
   * @param partitions how many partitions it has; default 1
   * @param config the topic's `maxMessageBytes`, a whole number from 1
   * @returns nothing; the topic exists from now on
   * @since 0.1.0
   * @category testing
   */
  createTopic(topic: string, partitions?: number, config?: { readonly maxMessageBytes?: number }): void;

  /**
   * Everything appended to a topic (visible to consumers yet or not), partition by partition in
   * offset order, for assertions. Throws for a topic that does not exist.
   *
   * @example
   * import { inMemoryTransport } from 'pubscribe/testing';
   *
   * const transport = inMemoryTransport({ topics: { 'send-email': 1 } });
   * void transport.produce([{ topic: 'send-email', value: 'ada@example.com' }]).then(() => {
   *   transport.records('send-email')[0]?.offset; // '0'
   * });
   *
   * @param topic the topic to read
   * @returns the topic's records
   * @since 0.1.0
   * @category testing
   */
  records(topic: string): readonly ConsumedRecord[];

  /**
   * How many consumers (and lease memberships) are subscribed right now, from subscribe to
   * teardown, ready or not: a test can assert that unsubscribing left none behind.
   *
   * @example
   * import { inMemoryTransport } from 'pubscribe/testing';
   *
   * const transport = inMemoryTransport({ topics: { replies: 1 } });
   * const subscription = transport
   *   .consume({ topics: ['replies'], groupId: 'g', membership: 'private' })
   *   .subscribe();
   * transport.activeConsumers; // 1
   * subscription.unsubscribe();
   * transport.activeConsumers; // 0
   *
   * @since 0.1.0
   * @category testing
   */
  readonly activeConsumers: number;
}

const nonNegative = (name: string, value: number): number => {
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(`inMemoryTransport: \`${name}\` must be a finite number from 0, got ${value}.`);
  }
  return value;
};

const wholeFromOne = (what: string, value: number): number => {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`inMemoryTransport: ${what} must be a whole number from 1, got ${value}.`);
  }
  return value;
};

/** Why the broker would refuse `record`, or undefined when it would accept it. */
function refusal(log: InMemoryLog, record: OutgoingRecord, limit: number): ProduceError | undefined {
  const partitions = log.partitionCount(record.topic);
  const unknown =
    partitions === undefined ||
    (record.partition !== undefined &&
      (!Number.isInteger(record.partition) || record.partition < 0 || record.partition >= partitions));
  if (unknown) {
    return new ProduceError({
      topic: record.topic,
      partition: record.partition,
      retriable: false,
      cause: new Error('This server does not host this topic-partition'),
    });
  }
  let recordBytes: number;
  try {
    recordBytes = recordBatchBytes(record);
  } catch (error) {
    return new ProduceError({
      topic: record.topic,
      partition: record.partition,
      retriable: false,
      reason: 'record-invalid',
      cause: error,
    });
  }
  if (recordBytes <= limit) return undefined;
  return new ProduceError({
    topic: record.topic,
    partition: record.partition,
    retriable: false,
    reason: 'record-too-large',
    recordBytes,
    limitBytes: limit,
    limitName: 'max.message.bytes',
  });
}

/**
 * Where a record went, as the kafkajs transport reports it: the partition and the base offset of
 * the record's batch are known when the record named its partition, or when the call wrote to one
 * partition of the topic.
 */
function placed(record: OutgoingRecord, written: ConsumedRecord, all: readonly ConsumedRecord[]): ProducedRecord {
  const sameTopic = all.filter((other) => other.topic === record.topic);
  if (record.partition === undefined && new Set(sameTopic.map((other) => other.partition)).size !== 1) {
    return { topic: record.topic };
  }
  const base = sameTopic.find((other) => other.partition === written.partition) ?? written;
  return { topic: record.topic, partition: written.partition, offset: base.offset };
}

/**
 * An in-memory stand-in for Kafka, for unit and marble tests of code that uses pubscribe. It is
 * not Kafka: it models topics, partitions, offsets, consumer groups and the start-up window,
 * nothing more. Integration tests must use a real broker.
 *
 * What it models, after the kafkajs transport:
 * - `produce` appends at once to the record's partition (its own, else by the murmur2 hash of its
 *   key as kafkajs and the Java client do, else round robin), with offsets counting from 0 per
 *   partition, headers normalised and the scheduler's `now()` as timestamp. Records become visible
 *   to consumers `deliveryDelay` later. An unknown topic or partition is a `ProduceError`, and so
 *   is a record larger than its topic's `max.message.bytes` (`reason: 'record-too-large'`).
 * - `consume` is cold. On subscribe the consumer takes each partition's log end (or 0 with
 *   `startAt: 'earliest'`); `readyDelay` later it emits `ready` with those positions, then every
 *   record from them on, including records produced in between: the guarantee pubscribe gives.
 *   Later records arrive as they become visible, one batch per partition per scheduler turn.
 * - `private` consumers get every partition, or the ones named in `partitions` (one the topic does
 *   not have is a `ConnectionError`, `reason: 'unknown-partition'`). `shared` consumers with the
 *   same `groupId` split the partitions round robin in subscribe order; each join or leave re-pins
 *   the members that stay (`repinned`), and a partition that moves continues from the group's
 *   committed offset (committed on `ack()` with `acknowledge`, else as soon as the batch was
 *   emitted).
 * - `lease` joins the same group model: members of a lease group split the topic's partitions
 *   round robin, and each hears its partitions at every join or leave; nothing is read.
 * - `ensureTopics` creates missing topics with their partition count (default 1) and ignores
 *   replication factor and configs.
 * - `close()` errors the live consumers with a `ClosedError`; produce and consume fail after it.
 *
 * It leaves out everything else: replication, retention, transactions, compaction, fetch sizes,
 * sessions and heartbeats (the timing options of a subscription are ignored), partitions added
 * after a consumer subscribed, and kafkajs's coalescing of produce calls into shared batches.
 *
 * Time passes only through the scheduler. The promise `produce` returns settles in a microtask,
 * outside `TestScheduler.run`'s control, so marble tests should observe consumers, not promises.
 *
 * @example
 * import { strict as assert } from 'node:assert';
 * import { map } from 'rxjs';
 * import { TestScheduler } from 'rxjs/testing';
 * import { consume, stringCodec } from 'pubscribe';
 * import { inMemoryTransport } from 'pubscribe/testing';
 *
 * const scheduler = new TestScheduler((actual, expected) => assert.deepEqual(actual, expected));
 * scheduler.run(({ expectObservable }) => {
 *   const transport = inMemoryTransport({ topics: { replies: 1 }, scheduler, readyDelay: 3 });
 *   // Produced at 1, inside the consumer's start-up window, and still delivered once it is ready.
 *   scheduler.schedule(() => void transport.produce([{ topic: 'replies', value: 'hi' }]), 1);
 *   const types = consume(transport, { topic: 'replies', codec: stringCodec }).pipe(map((event) => event.type));
 *   expectObservable(types).toBe('---(rm)', { r: 'ready', m: 'message' });
 * });
 *
 * @param options topics, the scheduler, and how long joining and delivery take
 * @returns a transport to hand to `consume`, requesters and responders in tests
 * @throws RangeError for a negative or non-finite delay, a topic with no partitions, or a
 *   `maxMessageBytes` that is not a whole number from 1
 * @since 0.1.0
 * @category testing
 */
export function inMemoryTransport(options: InMemoryTransportOptions = {}): InMemoryTransport {
  const scheduler = options.scheduler ?? asyncScheduler;
  const readyDelay = nonNegative('readyDelay', options.readyDelay ?? 0);
  const deliveryDelay = nonNegative('deliveryDelay', options.deliveryDelay ?? 0);
  const log = new InMemoryLog();
  for (const [topic, partitions] of Object.entries(options.topics ?? {})) log.createTopic(topic, partitions);
  const configured = options.maxMessageBytes;
  const defaultLimit =
    typeof configured === 'number' ? wholeFromOne('`maxMessageBytes`', configured) : DEFAULT_MAX_MESSAGE_BYTES;
  const limits = new Map<string, number>();
  if (typeof configured === 'object') {
    for (const [topic, limit] of Object.entries(configured))
      limits.set(topic, wholeFromOne(`\`maxMessageBytes\` of '${topic}'`, limit));
  }
  const work = new PendingWork(scheduler);
  const groups = new InMemoryGroups(log, work);
  const live = new Set<() => void>();
  let memberIds = 0;
  let closed = false;
  const context = { log, groups, scheduler, readyDelay, nextMemberId: () => ++memberIds };

  return {
    produce(records: readonly OutgoingRecord[], _options?: ProduceOptions): Promise<readonly ProducedRecord[]> {
      if (closed) return Promise.reject(new ClosedError({ what: 'transport', topic: records[0]?.topic }));
      // All or nothing: check every record before appending any.
      const refused = records
        .map((record) => refusal(log, record, limits.get(record.topic) ?? defaultLimit))
        .find((error) => error !== undefined);
      if (refused !== undefined) return Promise.reject(refused);
      const timestamp = scheduler.now();
      const written = records.map((record) => log.append(record, log.choosePartition(record), timestamp));
      const reveal = () => {
        for (const record of written) log.reveal(record.topic, record.partition, Number(record.offset) + 1);
      };
      if (deliveryDelay === 0) reveal();
      else work.schedule(reveal, deliveryDelay);
      return Promise.resolve(records.map((record, index) => placed(record, written[index], written)));
    },

    consume(subscription: ConsumerSubscription): Observable<TransportEvent> {
      if (subscription.topics.length === 0) throw new TypeError('consume: the subscription names no topic.');
      const consumer = inMemoryConsumer(context, subscription);
      return new Observable<TransportEvent>((subscriber) => {
        const topic = subscription.topics[0];
        if (closed) {
          subscriber.error(new ClosedError({ what: 'transport', topic }));
          return;
        }
        const stop = () => subscriber.error(new ClosedError({ what: 'transport', topic }));
        live.add(stop);
        const inner = consumer.subscribe({
          next: (event) => subscriber.next(event),
          error: (error: unknown) => subscriber.error(error),
          complete: () => subscriber.complete(),
        });
        return () => {
          live.delete(stop);
          inner.unsubscribe();
        };
      });
    },

    lease(subscription: LeaseSubscription): Observable<LeaseEvent> {
      const lease = inMemoryLease(context, subscription);
      return new Observable<LeaseEvent>((subscriber) => {
        if (closed) {
          subscriber.error(new ClosedError({ what: 'transport', topic: subscription.topic }));
          return;
        }
        const stop = () => subscriber.error(new ClosedError({ what: 'transport', topic: subscription.topic }));
        live.add(stop);
        const inner = lease.subscribe(subscriber);
        return () => {
          live.delete(stop);
          inner.unsubscribe();
        };
      });
    },

    async close(): Promise<void> {
      closed = true;
      for (const stop of [...live]) stop();
      work.cancel();
    },

    createTopic(topic: string, partitions = 1, config?: { readonly maxMessageBytes?: number }): void {
      log.createTopic(topic, partitions);
      if (config?.maxMessageBytes !== undefined) {
        limits.set(topic, wholeFromOne(`\`maxMessageBytes\` of '${topic}'`, config.maxMessageBytes));
      }
    },

    // Replication and configs mean nothing in memory; a topic that exists is left as it is.
    ensureTopics(topics: readonly TopicSpec[]): Promise<EnsureTopicsResult> {
      if (closed) return Promise.reject(new ClosedError({ what: 'transport', topic: topics[0]?.topic }));
      const created: string[] = [];
      const existing: string[] = [];
      for (const { topic, partitions } of topics) {
        if (log.partitionCount(topic) !== undefined) existing.push(topic);
        else {
          log.createTopic(topic, partitions ?? 1);
          created.push(topic);
        }
      }
      return Promise.resolve({ created, existing });
    },

    records(topic: string): readonly ConsumedRecord[] {
      return log.records(topic);
    },

    get activeConsumers(): number {
      return live.size;
    },
  };
}
