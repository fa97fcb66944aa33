import {
  Consumer,
  ListOffsetTimestamps,
  MessagesStreamModes,
  type BaseOptions,
  type Message,
  type MessagesStream,
} from '@platformatic/kafka';
import { Observable, Subscriber, type SchedulerLike, type Subscription } from 'rxjs';
import type { PubScribeError } from '../../errors/index.js';
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
import { retireConsumer } from './retire-consumer.js';

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
  /** The client consumer in use: a new one after each restart. */
  consumer: Consumer;
  /** Between a failure of `consumer` and the start of the next one. */
  restarting: boolean;
  /** Restarts since the consumer was last positioned: the next restart waits longer. */
  restarts: number;
  /** Ends the subscription on a failure no restart can help, restarts the consumer otherwise. */
  readonly onFailure: (consumer: Consumer, what: string) => (error: unknown) => void;
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
  run.restarts = 0;
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
  const consumer = run.consumer;
  consumer.listCommittedOffsets({ topics: groupByTopic(moved) }).then(
    (committed) => {
      if (run.closed || run.consumer !== consumer || generation !== run.generation) return;
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
    run.onFailure(consumer, 'fetch committed offsets'),
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

/** The wait before the first restart after a failure; each further one without positions waits twice as long. */
const FIRST_RESTART_DELAY_MS = 250;
/** The longest wait before a restart. */
const MAX_RESTART_DELAY_MS = 5_000;

/** What the transport gives each of its consumers. @internal */
export interface StreamConsumerContext {
  /** Receives the promise of each consumer's teardown, so the transport can wait for them on close. */
  readonly teardowns: Set<Promise<void>>;
  /** Runs the waits before restarts and bounds how long a retired consumer may take to close. */
  readonly scheduler: SchedulerLike;
  /** Told of every failure of a consumer, fatal or restarted from (the transport's `lastFailure`). */
  readonly reportFailure: (error: PubScribeError) => void;
}

/** One client consumer of a subscription and what was started on it. */
interface Incarnation {
  readonly consumer: Consumer;
  stream: MessagesStream<Buffer, Buffer, Buffer, Buffer> | undefined;
  stopWatch: (() => void) | undefined;
  started: Promise<void>;
}

function createConsumer(client: BaseOptions, subscription: ConsumerSubscription): Consumer {
  return new GuardedConsumer<Buffer, Buffer, Buffer, Buffer>({
    ...client,
    groupId: subscription.groupId,
    sessionTimeout: subscription.sessionTimeoutMs ?? 30_000,
    heartbeatInterval: subscription.heartbeatIntervalMs ?? 3_000,
    maxWaitTime: subscription.maxWaitTimeMs ?? 100,
    autocommit: false,
    autocreateTopics: false,
    ...(subscription.metadataMaxAgeMs === undefined ? {} : { metadataMaxAge: subscription.metadataMaxAgeMs }),
  });
}

/** Waits for an incarnation's start, then closes its stream, commits what is due (`flush`) and retires its consumer. */
function retire(incarnation: Incarnation, scheduler: SchedulerLike, flush: () => Promise<void>): Promise<void> {
  incarnation.stopWatch?.();
  return incarnation.started
    .catch(() => undefined)
    .then(() => incarnation.stream?.close())
    .catch(() => undefined)
    .then(flush)
    .then(() => retireConsumer(incarnation.consumer, scheduler))
    .catch(() => undefined);
}

/**
 * A cold Observable over @platformatic/kafka consumers that is *ready*, not merely started: see
 * {@link ReadyEvent}. Each subscription has its own consumer; teardown closes its stream,
 * commits what is due and leaves the group; `context.teardowns` receives the promise of that.
 *
 * Once ready, a retriable failure (a fetch or rejoin whose client retries are spent: a broker down
 * longer than they last, say) does not end the Observable: the client consumer is retired and a
 * new one joins the group after a short wait (250 ms, doubling up to 5 s while restarts fail),
 * and its join re-pins as any rebalance does (`repinned`, from tracked positions; for partitions
 * new to a shared member, from committed offsets). kafkajs restarts its consumer the same way. A
 * new client, rather than the failed one again, because the failed one's connections, metadata
 * and membership may be what failed. Failures before `ready`, and those no retry can help
 * (authentication, authorization, an unknown topic), end the Observable with a `ConnectionError`.
 *
 * @throws TypeError or RangeError for invalid `partitions` (see `checkNamedPartitions`)
 * @internal
 */
export function pinnedStreamConsumer(
  client: BaseOptions,
  subscription: ConsumerSubscription,
  context: StreamConsumerContext,
): Observable<TransportEvent> {
  checkNamedPartitions(subscription);
  return new Observable<TransportEvent>((subscriber) => {
    const { scheduler } = context;
    const timeline = new ReadyTimelineRecorder(monotonicWallClock());
    const topic = subscription.topics[0];
    let current: Incarnation | undefined;
    let restartTimer: Subscription | undefined;
    const track = (teardown: Promise<void>) => {
      context.teardowns.add(teardown);
      void teardown.then(() => context.teardowns.delete(teardown));
    };

    const restart = () => {
      const failed = current!;
      current = undefined;
      run.restarting = true;
      run.stream = undefined;
      run.paused = false;
      run.joinPending = false;
      run.positioning = false;
      // What is processed is committed again once the next consumer is positioned.
      track(retire(failed, scheduler, () => Promise.resolve()));
      const delay = Math.min(MAX_RESTART_DELAY_MS, FIRST_RESTART_DELAY_MS * 2 ** run.restarts);
      run.restarts += 1;
      restartTimer = scheduler.schedule(() => {
        restartTimer = undefined;
        if (!run.closed) launch(false);
      }, delay);
    };

    const onFailure = (consumer: Consumer, what: string) => (error: unknown) => {
      if (run.closed || run.restarting || consumer !== run.consumer) return;
      const typed = toPlatformaticConnectionError(error, { topic, what });
      context.reportFailure(typed);
      // Before the first `ready` the start failed, as with kafkajs.
      if (!typed.retriable || run.generation === 0) subscriber.error(typed);
      else restart();
    };

    const run: StreamRun = {
      consumer: createConsumer(client, subscription),
      restarting: false,
      restarts: 0,
      onFailure,
      subscription,
      subscriber,
      tracker: new PositionTracker(),
      committer: new OffsetCommitter((positions) =>
        run.consumer.commit({
          offsets: positions.map(({ topic: name, partition, offset }) => ({
            topic: name,
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

    /** Starts a client consumer: the first reads the log ends, a restarted one continues from the tracked positions. */
    const launch = (first: boolean) => {
      const consumer = first ? run.consumer : createConsumer(client, subscription);
      run.consumer = consumer;
      run.restarting = false;
      const live = () => !run.closed && !run.restarting && run.consumer === consumer;
      // Registered before the stream exists, so it runs before the stream's own join listener fetches.
      consumer.on('consumer:group:join', () => {
        if (!live()) return;
        if (subscription.partitions !== undefined) keepNamedPartitions(consumer, subscription.partitions);
        onJoin(run);
      });
      // A failed rejoin ends the stream; without a listener the client's `error` event would throw.
      consumer.on('error', onFailure(consumer, 'consume'));
      const incarnation: Incarnation = {
        consumer,
        stream: undefined,
        stopWatch: undefined,
        started: Promise.resolve(),
      };
      current = incarnation;
      incarnation.started = (async () => {
        const offsets = first ? await seedPositions(run) : run.tracker.positions();
        if (first) timeline.mark('logEndsReadAt');
        if (!live()) return;
        if (first) timeline.mark('joinStartedAt');
        const stream = await consumer.consume({
          topics: [...subscription.topics],
          mode: MessagesStreamModes.MANUAL,
          offsets: offsets.map((position) => ({ ...position, offset: BigInt(position.offset) })),
          autocommit: false,
          maxWaitTime: subscription.maxWaitTimeMs ?? 100,
        });
        incarnation.stream = stream;
        stream.on('error', onFailure(consumer, 'consume'));
        if (!live()) return;
        run.stream = stream;
        // Partitions still holding too many unacknowledged records from before a restart hold this stream too.
        updateFlow(run);
        // Kafka leaves noticing added partitions to the clients; this one does not (partition-watch.ts).
        incarnation.stopWatch = watchPartitionCounts(
          consumer,
          subscription.topics,
          subscription.metadataMaxAgeMs ?? 300_000,
          onFailure(consumer, 'rejoin the group after partitions were added'),
        );
        stream.on('offsets', () => {
          if (!live()) return;
          try {
            onOffsets(run);
          } catch (error) {
            subscriber.error(toPlatformaticConnectionError(error, { topic, what: 'position the consumer' }));
          }
        });
        stream.on('data', (message: BufferMessage) => {
          if (live()) onMessage(run, message);
        });
      })();
      incarnation.started.catch(onFailure(consumer, 'start the consumer'));
    };
    launch(true);

    return () => {
      run.closed = true;
      restartTimer?.unsubscribe();
      if (current) track(retire(current, scheduler, () => run.committer.flush()));
    };
  });
}
