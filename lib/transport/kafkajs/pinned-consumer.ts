import type { Admin, Consumer, ConsumerCrashEvent, ConsumerGroupJoinEvent, EachBatchPayload, Kafka } from 'kafkajs';
import { firstValueFrom, Observable, SchedulerLike, Subscriber, timer } from 'rxjs';
import { PartitionProgress } from '../partition-progress.js';
import type { Logger } from '../../logging/index.js';
import type { ConsumedRecord, PartitionPosition, TopicPartition } from '../records.js';
import type { ConsumerSubscription, TransportEvent } from '../transport.js';
import { toConnectionError } from './kafkajs-errors.js';
import { OffsetCommitter } from '../offset-committer.js';
import { PositionTracker } from './position-tracker.js';
import { ReadyTimelineRecorder } from '../ready-timeline.js';
import { monotonicWallClock } from '../../time/wall-clock.js';
import { absentTopics, confirmAbsent, unknownTopicError } from './topic-directory.js';
import { toConsumedRecord } from './to-consumed-record.js';
import { checkNamedPartitions, missingPartition, unknownPartitionError } from '../named-partitions.js';
import { namedPartitionsAssigner } from './named-partitions-assigner.js';

const partitionKey = (tp: TopicPartition) => `${tp.partition}:${tp.topic}`;

function assignmentOf(event: ConsumerGroupJoinEvent): TopicPartition[] {
  return Object.entries(event.payload.memberAssignment).flatMap(([topic, partitions]) =>
    partitions.map((partition) => ({ topic, partition })),
  );
}

function groupByTopic(partitions: readonly TopicPartition[]): { topic: string; partitions: number[] }[] {
  const byTopic = new Map<string, number[]>();
  for (const { topic, partition } of partitions) byTopic.set(topic, [...(byTopic.get(topic) ?? []), partition]);
  return [...byTopic].map(([topic, numbers]) => ({ topic, partitions: numbers }));
}

/** Everything one subscription holds, so teardown can undo it. */
interface ConsumerRun {
  readonly consumer: Consumer;
  readonly admin: Admin;
  readonly tracker: PositionTracker;
  readonly committer: OffsetCommitter;
  readonly scheduler: SchedulerLike;
  readonly logger: Logger;
  /** Partitions this consumer reads (the named ones, else all of its topics), counted when seeded. */
  partitionCount: number;
  owned: Set<string>;
  generation: number;
  closed: boolean;
  /** With `acknowledge`: per owned partition, which delivered records are processed. */
  readonly progress: Map<string, PartitionProgress>;
  /** Partitions paused because too many of their records are unacknowledged. */
  readonly throttled: Set<string>;
  /** The moments of the start, for `ready`. */
  readonly timeline: ReadyTimelineRecorder;
}

/**
 * Seeds the tracker with each topic's log ends (or starts) before the consumer joins: this is the
 * moment the ready guarantee is measured from. With `partitions`, only those are seeded (and
 * counted), and one the topic does not have fails the start.
 */
async function seedPositions(
  run: ConsumerRun,
  subscription: ConsumerSubscription,
  scheduler: SchedulerLike,
): Promise<void> {
  for (const topic of subscription.topics) {
    const offsets = await withLeaderRetries(
      scheduler,
      () => run.admin.fetchTopicOffsets(topic),
      async () => {
        await run.admin.fetchTopicMetadata({ topics: [topic] });
      },
    );
    const missing = missingPartition(subscription, offsets.length);
    if (missing !== undefined) throw unknownPartitionError(topic, missing, offsets.length);
    const named = subscription.partitions && new Set(subscription.partitions);
    const read = named ? offsets.filter((entry) => named.has(entry.partition)) : offsets;
    run.partitionCount += read.length;
    for (const entry of read) {
      run.tracker.seed(topic, entry.partition, subscription.startAt === 'earliest' ? entry.low : entry.high);
    }
  }
}

const leaderMoving = new Set(['NOT_LEADER_FOR_PARTITION', 'NOT_LEADER_OR_FOLLOWER', 'LEADER_NOT_AVAILABLE']);

/**
 * kafkajs's `fetchTopicOffsets` gives up at once when a partition has no serving leader yet (a
 * topic created a moment ago, or a leader moving after a broker failure), though both clear in
 * moments. Retry those, refreshing metadata between attempts.
 */
async function withLeaderRetries<T>(
  scheduler: SchedulerLike,
  work: () => Promise<T>,
  refresh: () => Promise<void>,
  attempts = 8,
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      const type = (error as { type?: unknown } | null)?.type;
      if (attempt >= attempts || typeof type !== 'string' || !leaderMoving.has(type)) throw error;
      await firstValueFrom(timer(Math.min(2_000, 100 * 2 ** (attempt - 1)), scheduler));
      await refresh().catch(() => undefined);
    }
  }
}

/** Shared groups: the group's committed offsets for `partitions` (undefined where none). */
async function committedOffsets(
  run: ConsumerRun,
  subscription: ConsumerSubscription,
  partitions: readonly TopicPartition[],
): Promise<Map<string, string>> {
  const committed = new Map<string, string>();
  const topics = [...new Set(partitions.map((tp) => tp.topic))];
  const answer = await run.admin.fetchOffsets({ groupId: subscription.groupId, topics });
  for (const { topic, partitions: entries } of answer) {
    for (const { partition, offset } of entries) {
      if (BigInt(offset) >= 0n) committed.set(partitionKey({ topic, partition }), offset);
    }
  }
  return committed;
}

function emitPositioned(
  run: ConsumerRun,
  subscription: ConsumerSubscription,
  subscriber: Subscriber<TransportEvent>,
  positions: readonly PartitionPosition[],
  revoked: readonly TopicPartition[],
): void {
  // Called once the seeks are made: the positions are fixed (marks after the first ready are ignored).
  run.timeline.mark('positionedAt');
  if (subscription.membership === 'shared') {
    // The group remembers where this member started, so a partition that moves before anything
    // was processed continues here, not at the next owner's log end.
    run.committer.retain(run.owned);
    for (const position of positions) {
      // A kept partition with records still being processed commits no further than the first of them.
      const progress = run.progress.get(partitionKey(position));
      run.committer.processed(position.topic, position.partition, progress?.committable() ?? position.offset);
    }
  }
  if (run.generation === 1) subscriber.next({ type: 'ready', positions, timeline: run.timeline.ready() });
  else subscriber.next({ type: 'repinned', generation: run.generation, positions, revoked });
}

/**
 * A private group (a requester's reply consumer) has another member: some other process uses the
 * same `groupId`. Replies on the partitions it was given never reach this requester, whose
 * requests then time out. Nothing can be done here but to say so, loudly.
 */
function warnShared(run: ConsumerRun, subscription: ConsumerSubscription, assigned: readonly TopicPartition[]): void {
  run.logger.warn(
    `Consumer group '${subscription.groupId}' has other members: this reply consumer was assigned ` +
      `${assigned.length} of the ${run.partitionCount} partitions of ${subscription.topics.map((t) => `'${t}'`).join(', ')}, ` +
      'so replies on the others go to another process and requests waiting for them time out. ' +
      'Give every requester instance its own `groupId` (the default is a random one).',
    {
      groupId: subscription.groupId,
      topics: subscription.topics,
      assigned: assigned.map((tp) => `${tp.topic}:${tp.partition}`),
      partitions: run.partitionCount,
    },
  );
}

/**
 * Runs inside kafkajs's GROUP_JOIN listener, which kafkajs calls synchronously after the group
 * sync and before the first fetch of the new generation. A `seek` made here is applied by that
 * fetch, before kafkajs would resolve "latest" (or a stale committed offset) on its own.
 */
function onJoin(
  run: ConsumerRun,
  subscription: ConsumerSubscription,
  subscriber: Subscriber<TransportEvent>,
  event: ConsumerGroupJoinEvent,
): void {
  const assigned = assignmentOf(event);
  run.timeline.mark('assignedAt');
  if (subscription.membership === 'private' && assigned.length < run.partitionCount)
    warnShared(run, subscription, assigned);
  const previous = run.owned;
  run.owned = new Set(assigned.map(partitionKey));
  run.generation += 1;
  const revoked = [...previous]
    .filter((key) => !run.owned.has(key))
    .map((key) => {
      const separator = key.indexOf(':');
      return { topic: key.slice(separator + 1), partition: Number(key.slice(0, separator)) };
    });

  for (const key of previous) {
    if (run.owned.has(key)) continue;
    // Records of a revoked partition still being processed no longer commit: the new owner
    // continues from the group's committed position, the first of them.
    run.progress.delete(key);
    run.throttled.delete(key);
  }
  const kept =
    subscription.membership === 'private' ? assigned : assigned.filter((tp) => previous.has(partitionKey(tp)));
  const moved = subscription.membership === 'private' ? [] : assigned.filter((tp) => !previous.has(partitionKey(tp)));
  const pinned = kept.map((tp) => run.tracker.pin(tp));
  for (const position of pinned) run.consumer.seek(position);
  if (moved.length === 0) {
    emitPositioned(run, subscription, subscriber, pinned, revoked);
    return;
  }
  // A partition new to this member of a shared group continues where the group committed. That
  // answer needs a round trip, so hold the partitions until they are positioned.
  run.consumer.pause(groupByTopic(moved));
  const generation = run.generation;
  committedOffsets(run, subscription, moved).then(
    (committed) => {
      if (run.closed || generation !== run.generation) return;
      const positions = moved.map((tp) => {
        const offset = committed.get(partitionKey(tp));
        if (offset !== undefined) run.tracker.set(tp.topic, tp.partition, offset);
        return run.tracker.pin(tp);
      });
      try {
        for (const position of positions) run.consumer.seek(position);
        run.consumer.resume(groupByTopic(moved));
      } catch {
        // kafkajs is restarting its consumer group (it throws from seek and resume meanwhile): the
        // rejoin that follows positions these partitions again.
        return;
      }
      emitPositioned(run, subscription, subscriber, [...pinned, ...positions], revoked);
    },
    (error: unknown) =>
      subscriber.error(toConnectionError(error, { topic: moved[0]?.topic, what: 'fetch committed offsets' })),
  );
}

async function onBatch(
  run: ConsumerRun,
  subscription: ConsumerSubscription,
  subscriber: Subscriber<TransportEvent>,
  payload: EachBatchPayload,
): Promise<void> {
  const { batch } = payload;
  const records: ConsumedRecord[] = [];
  for (const message of batch.messages) {
    if (run.closed || !payload.isRunning() || payload.isStale()) break;
    // After a re-pin kafkajs may hand back records this member already delivered.
    if (run.tracker.isBehind(batch.topic, batch.partition, message.offset)) continue;
    records.push(toConsumedRecord(batch.topic, batch.partition, message));
  }
  const last = records[records.length - 1];
  if (!last || run.closed) return;
  if (!subscription.acknowledge) {
    run.tracker.advancePast(batch.topic, batch.partition, last.offset);
    const ignore = () => undefined;
    subscriber.next({
      type: 'batch',
      topic: batch.topic,
      partition: batch.partition,
      records,
      ack: ignore,
      ackRecord: ignore,
    });
    payload.resolveOffset(last.offset);
    if (subscription.membership === 'shared') {
      run.committer.processed(batch.topic, batch.partition, (BigInt(last.offset) + 1n).toString());
    }
    return;
  }
  // The fetch position moves on at once, so records behind a slow one keep coming; what is committed
  // is the first record not yet acknowledged, and a partition with too many of those pauses.
  const key = partitionKey(batch);
  let progress = run.progress.get(key);
  if (!progress) {
    progress = new PartitionProgress();
    run.progress.set(key, progress);
  }
  const owner = progress;
  owner.deliver(records.map((record) => record.offset));
  run.tracker.advancePast(batch.topic, batch.partition, last.offset);
  payload.resolveOffset(last.offset);
  const limit = Math.max(1, subscription.maxUnacknowledged ?? 1);
  const partition = [{ topic: batch.topic, partitions: [batch.partition] }];
  // kafkajs throws from pause/resume while it restarts its consumer group (after a broker or
  // coordinator failure); the rejoin that follows re-pins, and its fetches start unpaused.
  const throttle = (paused: boolean) => {
    try {
      if (paused) run.consumer.pause(partition);
      else run.consumer.resume(partition);
    } catch {
      // See above: nothing to pause or resume until the group is running again.
    }
  };
  if (owner.pending >= limit && !run.throttled.has(key)) {
    run.throttled.add(key);
    throttle(true);
  }
  const acknowledge = (offset: string) => {
    if (run.closed || run.progress.get(key) !== owner) return;
    if (owner.acknowledge(offset) && subscription.membership === 'shared') {
      run.committer.processed(batch.topic, batch.partition, owner.committable()!);
    }
    if (owner.pending < limit && run.throttled.delete(key)) throttle(false);
  };
  subscriber.next({
    type: 'batch',
    topic: batch.topic,
    partition: batch.partition,
    records,
    ack: () => {
      for (const record of records) acknowledge(record.offset);
    },
    ackRecord: (record) => acknowledge(record.offset),
  });
  // kafkajs fetches again as soon as this returns. Handlers that answer at once have queued their
  // replies by the end of this turn: let those go out first, so encoding the next fetch does not
  // sit on their path (a request at a time, it did: see docs/performance.md). Slow handlers still
  // hold nothing up.
  await endOfTurn();
}

/** Resolves once the current turn of the event loop, microtasks and all, has run. */
const endOfTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * A cold Observable over one kafkajs consumer that is *ready*, not merely started: see
 * {@link ReadyEvent}. Each subscription has its own consumer; teardown stops it and leaves the
 * group, and `teardowns` receives the promise of that so a transport can await it on close.
 *
 * @throws TypeError or RangeError for invalid `partitions` (see `checkNamedPartitions`)
 * @internal
 */
export function pinnedConsumer(
  kafka: Kafka,
  subscription: ConsumerSubscription,
  teardowns: Set<Promise<void>>,
  scheduler: SchedulerLike,
  logger: Logger,
): Observable<TransportEvent> {
  checkNamedPartitions(subscription);
  return new Observable<TransportEvent>((subscriber) => {
    const timeline = new ReadyTimelineRecorder(monotonicWallClock());
    const consumer = kafka.consumer({
      groupId: subscription.groupId,
      sessionTimeout: subscription.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: subscription.heartbeatIntervalMs ?? 3_000,
      maxWaitTimeInMs: subscription.maxWaitTimeMs ?? 100,
      allowAutoTopicCreation: false,
      // kafkajs cannot assign partitions by hand: the group's assignment hands out the named ones.
      ...(subscription.partitions === undefined
        ? {}
        : { partitionAssigners: [namedPartitionsAssigner(subscription.partitions)] }),
      ...(subscription.metadataMaxAgeMs === undefined ? {} : { metadataMaxAge: subscription.metadataMaxAgeMs }),
    });
    const run: ConsumerRun = {
      consumer,
      admin: kafka.admin(),
      tracker: new PositionTracker(),
      committer: new OffsetCommitter((positions) => consumer.commitOffsets([...positions])),
      scheduler,
      logger,
      partitionCount: 0,
      owned: new Set(),
      generation: 0,
      closed: false,
      progress: new Map(),
      throttled: new Set(),
      timeline,
    };
    const topic = subscription.topics[0];
    const removeJoin = run.consumer.on(run.consumer.events.GROUP_JOIN, (event) => {
      if (run.closed) return;
      try {
        onJoin(run, subscription, subscriber, event);
      } catch (error) {
        subscriber.error(toConnectionError(error, { topic, what: 'position the consumer' }));
      }
    });
    const removeCrash = run.consumer.on(run.consumer.events.CRASH, (event: ConsumerCrashEvent) => {
      // kafkajs restarts after retriable crashes and the next GROUP_JOIN re-pins; only a final
      // crash ends the stream.
      if (!run.closed && !event.payload.restart) {
        subscriber.error(toConnectionError(event.payload.error, { topic, what: 'consume' }));
      }
    });

    const started = (async () => {
      await run.admin.connect();
      // kafkajs retries an unknown topic's metadata for 8-12 s; a missing topic is known in one round trip.
      // A topic this client may not describe is not listed either: confirmAbsent tells the two apart.
      const [absent] = await confirmAbsent(kafka, await absentTopics(run.admin, subscription.topics, scheduler));
      if (absent !== undefined) throw unknownTopicError(absent, 'start the consumer');
      if (run.closed) return;
      await seedPositions(run, subscription, scheduler);
      timeline.mark('logEndsReadAt');
      if (run.closed) return;
      timeline.mark('joinStartedAt');
      await run.consumer.connect();
      await run.consumer.subscribe({
        topics: [...subscription.topics],
        fromBeginning: subscription.startAt === 'earliest',
      });
      if (run.closed) return;
      await run.consumer.run({
        // Shared groups commit through OffsetCommitter, off the fetch path; private ones never do.
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: subscription.partitionsConsumedConcurrently ?? 1,
        eachBatch: (payload) => onBatch(run, subscription, subscriber, payload),
      });
    })();
    started.catch((error: unknown) => {
      if (!run.closed) subscriber.error(toConnectionError(error, { topic, what: 'start the consumer' }));
    });

    return () => {
      run.closed = true;
      removeJoin();
      removeCrash();
      const teardown = started
        .catch(() => undefined)
        .then(() => run.committer.flush())
        .then(() => run.consumer.disconnect())
        .catch(() => undefined)
        .then(() => run.admin.disconnect())
        .catch(() => undefined);
      teardowns.add(teardown);
      void teardown.then(() => teardowns.delete(teardown));
    };
  });
}
