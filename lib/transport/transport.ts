import type { Observable } from 'rxjs';
import type { ConsumedRecord, OutgoingRecord, PartitionPosition, ProducedRecord, TopicPartition } from './records.js';
import type { PubScribeError } from '../errors/index.js';
import type { EnsureTopicsResult, TopicSpec } from './topic-spec.js';
import type { ReadyTimeline } from './ready-timeline.js';

/**
 * How a consumer takes part in its group.
 * - `private`: a group of one, such as an instance's reply listener. Every partition starts at the
 *   log end seen at subscribe time (or the beginning, with `startAt: 'earliest'`), and after every
 *   rebalance it continues from the positions this member tracked itself. Nothing is committed.
 * - `shared`: a group of several members, such as a scaled-out responder. Committed offsets come
 *   first, so a partition that moves to another member continues where the group left off; a
 *   partition the group never committed starts where `private` would. Offsets are committed after
 *   processing.
 *
 * @since 0.1.0
 * @category transport
 */
export type GroupMembership = 'private' | 'shared';

/**
 * What a transport consumer subscribes to and how.
 *
 * @since 0.1.0
 * @category transport
 */
export interface ConsumerSubscription {
  readonly topics: readonly string[];
  readonly groupId: string;
  readonly membership: GroupMembership;
  /**
   * `private` membership only, with one topic: read only these partitions of it (an instance that
   * owns some partitions of a shared reply topic, say). They are pinned as every partition is
   * otherwise: start positions read before joining, `ready` only once all of them are positioned,
   * and `ready.positions` lists them alone. A partition the topic does not have fails the stream
   * with a `ConnectionError` whose `reason` is `'unknown-partition'`. An empty list, a number that
   * is not a whole number from 0, a repeated number, several topics or `shared` membership throw
   * from `consume` at once. Default: every partition of the subscribed topics.
   *
   * @since 0.2.0
   */
  readonly partitions?: readonly number[];
  /** Where partitions without a committed offset start. Default `'latest'`: the log end at subscribe. */
  readonly startAt?: 'latest' | 'earliest';
  /**
   * Shared groups: a record counts as processed only once it is acknowledged (`ackRecord`, or
   * `ack` for a whole batch), in any order, and the group's committed position of a partition is
   * its first record not yet acknowledged. A member that dies mid-flight leaves exactly the
   * unfinished records to the next owner (at-least-once). Default false.
   */
  readonly acknowledge?: boolean;
  /**
   * With `acknowledge`: a partition stops fetching while this many of its delivered records are
   * not acknowledged, and fetches again once fewer are. Batches are delivered whole, so the count
   * may pass the bound by one batch. Default 1: a partition's next batch waits until every record
   * of the previous one is acknowledged.
   */
  readonly maxUnacknowledged?: number;
  /** How many partitions are processed at once. Default 1. */
  readonly partitionsConsumedConcurrently?: number;
  readonly sessionTimeoutMs?: number;
  readonly heartbeatIntervalMs?: number;
  /** Longest a fetch waits for data; bounds how long an unsubscribe takes. Default 100 ms. */
  readonly maxWaitTimeMs?: number;
  /** How often topic metadata is refreshed, so added partitions are noticed. Default 300 000 ms. */
  readonly metadataMaxAgeMs?: number;
}

/**
 * The consumer is positioned: every assigned partition has a fixed numeric start position at or
 * below its log end at this moment. A record appended from now on will be delivered.
 *
 * @since 0.1.0
 * @category transport
 */
export interface ReadyEvent {
  readonly type: 'ready';
  readonly positions: readonly PartitionPosition[];
  /**
   * When each step from subscribe to this event happened. pubscribe's transports always fill it;
   * a transport of your own may leave it out.
   *
   * @since 0.2.0
   */
  readonly timeline?: ReadyTimeline;
}

/**
 * After a rebalance the consumer was positioned again from tracked (or committed) positions; it
 * never jumped to the log end.
 *
 * @since 0.1.0
 * @category transport
 */
export interface RepinnedEvent {
  readonly type: 'repinned';
  /** How many times this consumer has joined its group (1 is the first join that made it ready). */
  readonly generation: number;
  readonly positions: readonly PartitionPosition[];
  /** Partitions this member owned before the rebalance and no longer owns. */
  readonly revoked: readonly TopicPartition[];
}

/**
 * Records of one partition, in offset order. With `acknowledge`, acknowledge each record once it is
 * processed (`ackRecord`), or all of them at once (`ack`); the partition's committed position
 * stays at its first record not yet acknowledged. Without `acknowledge` both do nothing.
 *
 * @since 0.1.0
 * @category transport
 */
export interface BatchEvent {
  readonly type: 'batch';
  readonly topic: string;
  readonly partition: number;
  readonly records: readonly ConsumedRecord[];
  /** Acknowledges every record of this batch. */
  readonly ack: () => void;
  /**
   * Acknowledges one record of this batch, in any order. A second call for the same record, or a
   * call after the partition moved to another member, changes nothing.
   *
   * @since 0.2.0
   */
  readonly ackRecord: (record: ConsumedRecord) => void;
}

/**
 * What a transport consumer emits.
 *
 * @since 0.1.0
 * @category transport
 */
export type TransportEvent = ReadyEvent | RepinnedEvent | BatchEvent;

/**
 * A consumer group joined for coordination only, to share out the partitions of a topic: see
 * {@link Transport.lease}.
 *
 * @since 0.2.0
 * @category transport
 */
export interface LeaseSubscription {
  /** The topic whose partitions are shared out. */
  readonly topic: string;
  /** The group every member sharing the topic's partitions joins. */
  readonly groupId: string;
  /** How long the group waits for a member that stopped heartbeating before it moves its partitions. */
  readonly sessionTimeoutMs?: number;
  readonly heartbeatIntervalMs?: number;
  /** How often topic metadata is refreshed, so added partitions are shared out. Default 300 000 ms. */
  readonly metadataMaxAgeMs?: number;
}

/**
 * The partitions of the topic this member of a lease group holds, after a rebalance.
 *
 * @since 0.2.0
 * @category transport
 */
export interface LeaseEvent {
  readonly type: 'leases';
  /** Counts this member's assignments from 1. */
  readonly generation: number;
  /** The partitions this member holds now, ascending; empty when the group gave it none. */
  readonly partitions: readonly number[];
}

/**
 * How long the records of one `produce` call are wanted.
 *
 * @since 0.2.0
 * @category transport
 */
export interface ProduceOptions {
  /**
   * Wall-clock milliseconds since the epoch after which the records are no longer wanted (the
   * request's deadline). Retriable broker failures are retried until then and never after; without
   * it the transport's own retry budget applies.
   */
  readonly deadline?: number;
}

/**
 * A failure a transport's Kafka client reported while it goes on retrying (an unreachable broker,
 * say): nothing has failed for good yet, but this is why nothing works.
 *
 * @since 0.2.0
 * @category transport
 */
export interface TransportFailure {
  /** The failure, typed. */
  readonly error: PubScribeError;
  /** Counts the transport's failures from 1: a failure with a higher number came later. */
  readonly sequence: number;
}

/**
 * The Kafka edge, kept small so kafkajs stays replaceable: produce records, and consume with a
 * readiness signal. pubscribe ships a kafkajs implementation (`kafkajsTransport`) and, for tests,
 * an in-memory one.
 *
 * @since 0.1.0
 * @category transport
 */
export interface Transport {
  /**
   * Appends records; resolves once the broker acknowledged them. Rejects with a `ProduceError` (or
   * a `ConnectionError`). A record the broker refuses fails this call alone: records of other calls
   * that shared its produce request are sent again without it. A record larger than its topic's
   * `max.message.bytes` fails at once, unsent (`reason: 'record-too-large'`). Failures that usually
   * pass are retried until `options.deadline`, never after it.
   */
  produce(records: readonly OutgoingRecord[], options?: ProduceOptions): Promise<readonly ProducedRecord[]>;
  /**
   * A cold Observable: each subscription starts its own consumer, emits `ready` once positioned,
   * then batches; unsubscribing stops the consumer and leaves the group. Errors are PubScribeErrors.
   */
  consume(subscription: ConsumerSubscription): Observable<TransportEvent>;
  /**
   * A cold Observable over a membership of a consumer group used for coordination only: it joins
   * `groupId` subscribed to `topic`, fetches no records and commits nothing, and emits the
   * partitions this member holds after every rebalance (the first as soon as it joined).
   * Unsubscribing leaves the group, so its partitions move to the others at once. Errors are
   * PubScribeErrors (a missing topic: `unknown-topic`). Optional: a requester with
   * `replyPartition: 'auto'` needs it.
   *
   * @since 0.2.0
   */
  lease?(subscription: LeaseSubscription): Observable<LeaseEvent>;
  /**
   * Creates the topics that do not exist yet and leaves the others alone; resolves with which were
   * which. Optional: a transport without admin rights may leave it out. Call it through
   * {@link ensureTopics}, which checks the specs first. Rejects with a `ConnectionError`.
   */
  ensureTopics?(topics: readonly TopicSpec[]): Promise<EnsureTopicsResult>;
  /**
   * The latest failure the Kafka client reported, retrying or not; undefined when none. Optional.
   * A requester whose reply consumer is not ready in time names it as the `NotReadyError`'s cause.
   */
  lastFailure?(): TransportFailure | undefined;
  /** Stops consumers still running, waits for their teardown and disconnects the producer. */
  close(): Promise<void>;
}
