import { Observable, type SchedulerLike } from 'rxjs';
import { ConnectionError } from '../errors/index.js';
import { PartitionProgress } from '../transport/partition-progress.js';
import type { PartitionPosition, TopicPartition } from '../transport/records.js';
import type { ConsumerSubscription, TransportEvent } from '../transport/transport.js';
import type { GroupMember, InMemoryGroups } from './in-memory-groups.js';
import type { InMemoryLog } from './in-memory-log.js';
import { PendingWork } from './pending-work.js';
import { checkNamedPartitions, missingPartition, unknownPartitionError } from '../transport/named-partitions.js';
import { ReadyTimelineRecorder } from '../transport/ready-timeline.js';

/**
 * What every in-memory consumer of one transport shares.
 *
 * @internal
 */
export interface InMemoryConsumerContext {
  readonly log: InMemoryLog;
  readonly groups: InMemoryGroups;
  readonly scheduler: SchedulerLike;
  /** Time from subscribe until the consumer is positioned (Kafka's join and seek). */
  readonly readyDelay: number;
  /** A new member id, larger than every earlier one. */
  readonly nextMemberId: () => number;
}

/** A partition this consumer owns in its current generation. */
interface OwnedPartition extends TopicPartition {
  /** With `acknowledge`: which delivered records are processed. */
  readonly progress: PartitionProgress;
}

const keyOf = ({ topic, partition }: TopicPartition) => `${partition}:${topic}`;

/**
 * A cold Observable over one in-memory consumer, with the semantics of the kafkajs transport's
 * pinned consumer: positions are taken at subscribe, `ready` follows after the ready delay, and
 * records appended since subscribe (including during that window) are delivered after it. With
 * `partitions`, only those are positioned and read.
 *
 * @throws TypeError or RangeError for invalid `partitions` (see `checkNamedPartitions`)
 * @internal
 */
export function inMemoryConsumer(
  context: InMemoryConsumerContext,
  subscription: ConsumerSubscription,
): Observable<TransportEvent> {
  checkNamedPartitions(subscription);
  return new Observable<TransportEvent>((subscriber) => {
    // The start-up window is one step here: log ends are read and the join starts at subscribe;
    // assignment, positions and ready come together after the ready delay.
    const timeline = new ReadyTimelineRecorder(() => context.scheduler.now());
    const { log, groups } = context;
    const topics = [...new Set(subscription.topics)];
    const missing = topics.find((topic) => log.partitionCount(topic) === undefined);
    if (missing !== undefined) {
      subscriber.error(
        new ConnectionError({
          what: 'start the consumer',
          topic: missing,
          retriable: false,
          cause: new Error('This server does not host this topic-partition'),
        }),
      );
      return;
    }
    const partitionCount = log.partitionCount(topics[0]!) ?? 0;
    const missingNamed = missingPartition(subscription, partitionCount);
    if (missingNamed !== undefined) {
      subscriber.error(unknownPartitionError(topics[0]!, missingNamed, partitionCount));
      return;
    }
    const named = subscription.partitions && new Set(subscription.partitions);
    const readable = log.partitionsOf(topics).filter((tp) => !named || named.has(tp.partition));
    const shared = subscription.membership === 'shared';
    const work = new PendingWork(context.scheduler);
    // The next offset to read per partition, seeded with the log ends (or starts) seen now: this
    // is the moment the ready guarantee is measured from.
    const tracked = new Map<string, number>();
    for (const tp of readable) {
      tracked.set(keyOf(tp), subscription.startAt === 'earliest' ? 0 : log.visibleEnd(tp.topic, tp.partition));
    }
    timeline.mark('logEndsReadAt');
    timeline.mark('joinStartedAt');
    let owned = new Map<string, OwnedPartition>();
    let generation = 0;
    let deliveryPending = false;

    const deliverSoon = () => {
      if (deliveryPending || generation === 0) return;
      deliveryPending = true;
      work.schedule(() => {
        deliveryPending = false;
        deliver();
      });
    };

    const commit = (partition: TopicPartition, next: number) => {
      if (shared) groups.commit(subscription.groupId, partition, next);
    };

    const limit = Math.max(1, subscription.maxUnacknowledged ?? 1);

    /** One batch per owned partition with records past its position. */
    const deliver = () => {
      for (const state of [...owned.values()]) {
        const key = keyOf(state);
        if (subscriber.closed) return;
        if (owned.get(key) !== state) continue;
        if (subscription.acknowledge && state.progress.pending >= limit) continue;
        const from = tracked.get(key) ?? 0;
        const end = log.visibleEnd(state.topic, state.partition);
        if (from >= end) continue;
        const records = log.read(state.topic, state.partition, from, end);
        const { topic, partition } = state;
        tracked.set(key, end);
        if (!subscription.acknowledge) {
          const ignore = () => undefined;
          subscriber.next({ type: 'batch', topic, partition, records, ack: ignore, ackRecord: ignore });
          commit(state, end);
          continue;
        }
        state.progress.deliver(records.map((record) => record.offset));
        const acknowledge = (offset: string) => {
          // A second ack, or an ack after the partition was revoked, changes nothing.
          if (subscriber.closed || owned.get(key) !== state) return;
          if (state.progress.acknowledge(offset)) commit(state, Number(state.progress.committable()));
          if (state.progress.pending < limit) deliverSoon();
        };
        subscriber.next({
          type: 'batch',
          topic,
          partition,
          records,
          ack: () => {
            for (const record of records) acknowledge(record.offset);
          },
          ackRecord: (record) => acknowledge(record.offset),
        });
      }
    };

    const assign = (partitions: readonly TopicPartition[]) => {
      if (subscriber.closed) return;
      timeline.mark('assignedAt');
      generation += 1;
      const previous = owned;
      owned = new Map();
      for (const tp of partitions) {
        const key = keyOf(tp);
        const kept = previous.get(key);
        if (kept !== undefined) {
          owned.set(key, kept);
          continue;
        }
        // A partition new to a member of a shared group continues where the group committed.
        const committed = shared ? groups.committed(subscription.groupId, tp) : undefined;
        if (committed !== undefined) tracked.set(key, committed);
        owned.set(key, { topic: tp.topic, partition: tp.partition, progress: new PartitionProgress() });
      }
      const positions: PartitionPosition[] = [...owned.values()].map(({ topic, partition }) => ({
        topic,
        partition,
        offset: String(tracked.get(keyOf({ topic, partition })) ?? 0),
      }));
      const revoked = [...previous.values()]
        .filter((tp) => !owned.has(keyOf(tp)))
        .map(({ topic, partition }) => ({ topic, partition }));
      timeline.mark('positionedAt');
      if (generation === 1) subscriber.next({ type: 'ready', positions, timeline: timeline.ready() });
      else subscriber.next({ type: 'repinned', generation, positions, revoked });
      deliverSoon();
    };

    const member: GroupMember = { id: context.nextMemberId(), topics, assign };
    const stopWatching = log.onVisible((topic, partition) => {
      if (owned.has(keyOf({ topic, partition }))) deliverSoon();
    });
    work.schedule(() => {
      if (shared) groups.join(subscription.groupId, member);
      else assign(readable);
    }, context.readyDelay);

    return () => {
      work.cancel();
      stopWatching();
      if (shared) groups.leave(subscription.groupId, member);
    };
  });
}
