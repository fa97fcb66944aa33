import {
  Consumer,
  ListOffsetTimestamps,
  MessagesStreamModes,
  type BaseOptions,
  type Message,
  type MessagesStream,
} from '@platformatic/kafka';
import { Observable, Subscriber } from 'rxjs';
import { PositionTracker } from '../kafkajs/position-tracker.js';
import { PartitionProgress } from '../partition-progress.js';
import type { ConsumedRecord, PartitionPosition, TopicPartition } from '../records.js';
import type { ConsumerSubscription, TransportEvent } from '../transport.js';
import { OffsetCommitter } from '../offset-committer.js';
import { ReadyTimelineRecorder } from '../ready-timeline.js';
import { monotonicWallClock } from '../../time/wall-clock.js';
import { toPlatformaticConnectionError } from './platformatic-errors.js';
import { toConsumedRecord } from './to-consumed-record.js';
import { checkNamedPartitions, missingPartition, unknownPartitionError } from '../named-partitions.js';
import { GuardedConsumer } from './guarded-clients.js';
import { watchPartitionCounts } from './partition-watch.js';

type BufferMessage = Message<Buffer, Buffer, Buffer, Buffer>;

const partitionKey = (tp: TopicPartition) => `${tp.partition}:${tp.topic}`;
/** The key @platformatic/kafka's stream uses for its fetch positions. */
const streamKey = (tp: TopicPartition) => `${tp.topic}:${tp.partition}`;

function groupByTopic(partitions: readonly TopicPartition[]): { topic: string; partitions: number[] }[] {
  const byTopic = new Map<string, number[]>();
  for (const { topic, partition } of partitions) byTopic.set(topic, [...(byTopic.get(topic) ?? []), partition]);
  return [...byTopic].map(([topic, numbers]) => ({ topic, partitions: numbers }));
}

/** Everything one subscription holds, so teardown can undo it. */
interface StreamRun {
  readonly consumer: Consumer;
  readonly subscription: ConsumerSubscription;
  readonly subscriber: Subscriber<TransportEvent>;
  readonly tracker: PositionTracker;
  readonly committer: OffsetCommitter;
  stream: MessagesStream<Buffer, Buffer, Buffer, Buffer> | undefined;
  /** Partitions of the latest assignment; records of others are dropped. */
  owned: Set<string>;
  /** Partitions as of the last `ready`/`repinned`. */
  positioned: Set<string>;
  generation: number;
  /** A join happened and its positions are not set yet. */
  joinPending: boolean;
  /** Waiting for committed offsets: the stream must not fetch. */
  positioning: boolean;
  closed: boolean;
  paused: boolean;
  readonly progress: Map<string, PartitionProgress>;
  readonly throttled: Set<string>;
  /** Records of the current tick, per partition, emitted together as one batch. */
  readonly gathering: Map<string, ConsumedRecord[]>;
  flushScheduled: boolean;
  /** The moments of the start, for `ready`. */
  readonly timeline: ReadyTimelineRecorder;
}

const assignedPartitions = (consumer: Consumer): TopicPartition[] =>
  (consumer.assignments ?? []).flatMap(({ topic, partitions }) =>
    partitions.map((partition) => ({ topic, partition })),
  );

/** Pauses the stream while positioning or while a partition has too many records unacknowledged. */
function updateFlow(run: StreamRun): void {
  const stream = run.stream;
  if (!stream || run.closed) return;
  const hold = run.positioning || run.throttled.size > 0;
  if (hold && !run.paused) {
    run.paused = true;
    stream.pause();
  } else if (!hold && run.paused) {
    run.paused = false;
    stream.resume();
  }
}

/** Tells the stream where to fetch each partition next. */
function seek(run: StreamRun, positions: readonly PartitionPosition[]): void {
  for (const position of positions) run.stream?.offsetsToFetch.set(streamKey(position), BigInt(position.offset));
}

function emitPositioned(run: StreamRun, positions: readonly PartitionPosition[]): void {
  // Called once the positions are written: they are fixed (marks after the first ready are ignored).
  run.timeline.mark('positionedAt');
  const revoked = [...run.positioned]
    .filter((key) => !run.owned.has(key))
    .map((key) => {
      const separator = key.indexOf(':');
      return { topic: key.slice(separator + 1), partition: Number(key.slice(0, separator)) };
    });
  run.positioned = new Set(run.owned);
  if (run.subscription.membership === 'shared') {
    run.committer.retain(run.owned);
    for (const position of positions) {
      const progress = run.progress.get(partitionKey(position));
      run.committer.processed(position.topic, position.partition, progress?.committable() ?? position.offset);
    }
  }
  if (run.generation === 1) run.subscriber.next({ type: 'ready', positions, timeline: run.timeline.ready() });
  else run.subscriber.next({ type: 'repinned', generation: run.generation, positions, revoked });
}

/**
 * A private group of one is given every partition (@platformatic/kafka assigns them all without
 * asking its assigner): keep only the named ones. The client fetches what `assignments` lists, and
 * this runs before its stream reads it after the join.
 */
function keepNamedPartitions(consumer: Consumer, partitions: readonly number[]): void {
  const named = new Set(partitions);
  consumer.assignments = (consumer.assignments ?? [])
    .map(({ topic, partitions: assigned }) => ({ topic, partitions: assigned.filter((p) => named.has(p)) }))
    .filter((assignment) => assignment.partitions.length > 0);
}

/** A join: from now on only the new assignment's records are delivered. */
function onJoin(run: StreamRun): void {
  run.timeline.mark('assignedAt');
  run.owned = new Set(assignedPartitions(run.consumer).map(partitionKey));
  for (const key of [...run.progress.keys()]) {
    if (run.owned.has(key)) continue;
    // Records of a revoked partition still being processed no longer commit.
    run.progress.delete(key);
    run.throttled.delete(key);
  }
  for (const key of [...run.gathering.keys()]) if (!run.owned.has(key)) run.gathering.delete(key);
  run.joinPending = true;
  updateFlow(run);
}

/**
 * The stream emits `offsets` once it has refreshed its positions after a join, synchronously before
 * its first fetch of the new assignment: positions written here are the ones that fetch uses.
 */
function onOffsets(run: StreamRun): void {
  if (run.closed || !run.joinPending) return;
  run.joinPending = false;
  run.generation += 1;
  const assigned = assignedPartitions(run.consumer);
  const shared = run.subscription.membership === 'shared';
  const kept = shared ? assigned.filter((tp) => run.positioned.has(partitionKey(tp))) : assigned;
  const moved = shared ? assigned.filter((tp) => !run.positioned.has(partitionKey(tp))) : [];
  const pinned = kept.map((tp) => run.tracker.pin(tp));
  seek(run, pinned);
  if (moved.length === 0) {
    emitPositioned(run, pinned);
    return;
  }
  // A partition new to this member of a shared group continues where the group committed: hold
  // the stream until that answer is in.
  run.positioning = true;
  updateFlow(run);
  const generation = run.generation;
  run.consumer.listCommittedOffsets({ topics: groupByTopic(moved) }).then(
    (committed) => {
      if (run.closed || generation !== run.generation) return;
      const positions = moved.map((tp) => {
        const offset = committed.get(tp.topic)?.[tp.partition];
        if (offset !== undefined && offset >= 0n) run.tracker.set(tp.topic, tp.partition, offset);
        return run.tracker.pin(tp);
      });
      seek(run, positions);
      run.positioning = false;
      emitPositioned(run, [...pinned, ...positions]);
      updateFlow(run);
    },
    (error: unknown) => {
      if (!run.closed) {
        run.subscriber.error(
          toPlatformaticConnectionError(error, { topic: moved[0]?.topic, what: 'fetch committed offsets' }),
        );
      }
    },
  );
}

function onMessage(run: StreamRun, message: BufferMessage): void {
  if (run.closed) return;
  const key = `${message.partition}:${message.topic}`;
  // Records fetched for a partition this member no longer owns, or delivered already before a re-pin.
  if (!run.owned.has(key) || run.joinPending || run.positioning) return;
  if (run.tracker.isBehind(message.topic, message.partition, message.offset.toString())) return;
  let records = run.gathering.get(key);
  if (!records) {
    records = [];
    run.gathering.set(key, records);
  }
  records.push(toConsumedRecord(message));
  run.tracker.advancePast(message.topic, message.partition, message.offset.toString());
  if (!run.flushScheduled) {
    run.flushScheduled = true;
    // One fetch response arrives as a synchronous run of `data` events: gather it into batches.
    queueMicrotask(() => flushBatches(run));
  }
}

function flushBatches(run: StreamRun): void {
  run.flushScheduled = false;
  const batches = [...run.gathering];
  run.gathering.clear();
  for (const [key, records] of batches) {
    if (run.closed) return;
    emitBatch(run, key, records);
  }
  updateFlow(run);
}

function emitBatch(run: StreamRun, key: string, records: ConsumedRecord[]): void {
  const { topic, partition } = records[0]!;
  const last = records[records.length - 1]!;
  const { subscription } = run;
  if (!subscription.acknowledge) {
    const ignore = () => undefined;
    run.subscriber.next({ type: 'batch', topic, partition, records, ack: ignore, ackRecord: ignore });
    if (subscription.membership === 'shared') {
      run.committer.processed(topic, partition, (BigInt(last.offset) + 1n).toString());
    }
    return;
  }
  let progress = run.progress.get(key);
  if (!progress) {
    progress = new PartitionProgress();
    run.progress.set(key, progress);
  }
  const owner = progress;
  owner.deliver(records.map((record) => record.offset));
  const limit = Math.max(1, subscription.maxUnacknowledged ?? 1);
  if (owner.pending >= limit) run.throttled.add(key);
  const acknowledge = (offset: string) => {
    if (run.closed || run.progress.get(key) !== owner) return;
    if (owner.acknowledge(offset) && subscription.membership === 'shared') {
      run.committer.processed(topic, partition, owner.committable()!);
    }
    if (owner.pending < limit && run.throttled.delete(key)) updateFlow(run);
  };
  run.subscriber.next({
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

/**
 * The log ends (or starts) of every partition of the subscribed topics, read before joining; with
 * `partitions`, of those alone, and one the topic does not have fails the start.
 */
async function seedPositions(run: StreamRun): Promise<PartitionPosition[]> {
  const earliest = run.subscription.startAt === 'earliest';
  const offsets = await run.consumer.listOffsets({
    topics: [...run.subscription.topics],
    timestamp: earliest ? ListOffsetTimestamps.EARLIEST : ListOffsetTimestamps.LATEST,
  });
  const named = run.subscription.partitions && new Set(run.subscription.partitions);
  const positions: PartitionPosition[] = [];
  for (const [topic, partitions] of offsets) {
    const missing = missingPartition(run.subscription, partitions.length);
    if (missing !== undefined) throw unknownPartitionError(topic, missing, partitions.length);
    partitions.forEach((offset, partition) => {
      if (named && !named.has(partition)) return;
      run.tracker.seed(topic, partition, offset.toString());
      positions.push({ topic, partition, offset: offset.toString() });
    });
  }
  return positions;
}

/**
 * A cold Observable over one @platformatic/kafka consumer that is *ready*, not merely started:
 * see {@link ReadyEvent}. Each subscription has its own consumer; teardown closes its stream,
 * commits what is due and leaves the group; `teardowns` receives the promise of that.
 *
 * @throws TypeError or RangeError for invalid `partitions` (see `checkNamedPartitions`)
 * @internal
 */
export function pinnedStreamConsumer(
  client: BaseOptions,
  subscription: ConsumerSubscription,
  teardowns: Set<Promise<void>>,
): Observable<TransportEvent> {
  checkNamedPartitions(subscription);
  return new Observable<TransportEvent>((subscriber) => {
    const timeline = new ReadyTimelineRecorder(monotonicWallClock());
    const consumer = new GuardedConsumer<Buffer, Buffer, Buffer, Buffer>({
      ...client,
      groupId: subscription.groupId,
      sessionTimeout: subscription.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: subscription.heartbeatIntervalMs ?? 3_000,
      maxWaitTime: subscription.maxWaitTimeMs ?? 100,
      autocommit: false,
      autocreateTopics: false,
      ...(subscription.metadataMaxAgeMs === undefined ? {} : { metadataMaxAge: subscription.metadataMaxAgeMs }),
    });
    const run: StreamRun = {
      consumer,
      subscription,
      subscriber,
      tracker: new PositionTracker(),
      committer: new OffsetCommitter((positions) =>
        consumer.commit({
          offsets: positions.map(({ topic, partition, offset }) => ({
            topic,
            partition,
            offset: BigInt(offset),
            leaderEpoch: -1,
          })),
        }),
      ),
      stream: undefined,
      owned: new Set(),
      positioned: new Set(),
      generation: 0,
      joinPending: false,
      positioning: false,
      closed: false,
      paused: false,
      progress: new Map(),
      throttled: new Set(),
      gathering: new Map(),
      flushScheduled: false,
      timeline,
    };
    const topic = subscription.topics[0];
    const fail = (what: string) => (error: unknown) => {
      if (!run.closed) subscriber.error(toPlatformaticConnectionError(error, { topic, what }));
    };
    // Registered before the stream exists, so it runs before the stream's own join listener fetches.
    consumer.on('consumer:group:join', () => {
      if (run.closed) return;
      if (subscription.partitions !== undefined) keepNamedPartitions(consumer, subscription.partitions);
      onJoin(run);
    });
    // A failed rejoin ends the stream; without a listener the client's `error` event would throw.
    consumer.on('error', fail('consume'));

    const started = (async () => {
      const seeded = await seedPositions(run);
      timeline.mark('logEndsReadAt');
      if (run.closed) return;
      timeline.mark('joinStartedAt');
      const stream = await consumer.consume({
        topics: [...subscription.topics],
        mode: MessagesStreamModes.MANUAL,
        offsets: seeded.map((position) => ({ ...position, offset: BigInt(position.offset) })),
        autocommit: false,
        maxWaitTime: subscription.maxWaitTimeMs ?? 100,
      });
      run.stream = stream;
      if (run.closed) return;
      // Kafka leaves noticing added partitions to the clients; this one does not (partition-watch.ts).
      const stopWatch = watchPartitionCounts(
        consumer,
        subscription.topics,
        subscription.metadataMaxAgeMs ?? 300_000,
        fail('rejoin the group after partitions were added'),
      );
      subscriber.add(stopWatch);
      stream.on('offsets', () => {
        try {
          onOffsets(run);
        } catch (error) {
          fail('position the consumer')(error);
        }
      });
      stream.on('error', fail('consume'));
      stream.on('data', (message: BufferMessage) => onMessage(run, message));
    })();
    started.catch(fail('start the consumer'));

    return () => {
      run.closed = true;
      const teardown = started
        .catch(() => undefined)
        .then(() => run.stream?.close())
        .catch(() => undefined)
        .then(() => run.committer.flush())
        .then(() => consumer.close(true))
        .catch(() => undefined);
      teardowns.add(teardown);
      void teardown.then(() => teardowns.delete(teardown));
    };
  });
}
