import type { SchedulerLike, Subscription } from 'rxjs';
import { ClosedError, ConnectionError, ProduceError, PubScribeError } from '../../errors/index.js';
import { DEFAULT_MAX_MESSAGE_BYTES, RECORD_BATCH_OVERHEAD, recordBodyBytes, recordBytesAt } from '../record-size.js';
import type { OutgoingRecord, ProducedRecord } from '../records.js';
import { isLegalTopicName, MissingTopics } from '../topic-health.js';
import type { ProduceOptions } from '../transport.js';
import { BatchBuilder, oversize, tooLarge } from './batch-builder.js';
import { defaultPartitionChooser, PartitionChooser } from './partition-chooser.js';
import { PendingRecord, slotOf, TopicState, topicState, UNCHOSEN } from './pending-record.js';
import type { AppendedBatch, ClientMessage, ProducerClient, TopicFactsSource, TopicLesson } from './producer-client.js';
import { backoffMs, ProduceRetry, produceRetry } from './produce-retry.js';

/** @internal */
export interface BoundedProducerOptions<M extends ClientMessage = ClientMessage, P = unknown> {
  readonly scheduler: SchedulerLike;
  /** Produce batches outstanding at once. Default 4. */
  readonly maxInFlight?: number;
  /** The largest produce request to build, in bytes. */
  readonly maxRequestBytes: number;
  readonly retry?: ProduceRetry;
  readonly choosePartition?: PartitionChooser<M, P>;
  /** How long learned facts are trusted before they are learned again. Default 300 000 ms. */
  readonly factsMaxAgeMs?: number;
}

/** Facts learned only in part (no partitions, or no limit) are learned again sooner. */
const PARTIAL_FACTS_MAX_AGE_MS = 30_000;
/** Facts younger than this are trusted when a record names a partition they do not list. */
const RELEARN_INTERVAL_MS = 1_000;

/**
 * Neither Kafka client pubscribe runs on lingers: every send is its own produce request. This
 * producer sends the first record at once and, while sends are in flight, gathers what arrives
 * meanwhile into one send, so a burst of requests costs a few produce requests, not one each, and
 * a lone request pays no added latency. At most `maxInFlight` batches are outstanding.
 *
 * Every request it builds is one the broker accepts for size: each partition's record batch
 * within the topic's `max.message.bytes` (learned once per topic), the request within
 * `maxRequestBytes` (see `BatchBuilder`). A record too large alone fails at once, alone. When the
 * broker still refuses a batch for a record's sake, the batch is split and sent again until only
 * the culprit fails. Failures that usually pass are retried with exponential back-off until each
 * record's deadline, and never after it; the client's own retries are meant to be off.
 *
 * It knows no Kafka client: a {@link ProducerClient} sends, and classifies what failed; a
 * {@link TopicFactsSource} learns topics. `M` is the client's form of a record, `P` its
 * description of a partition.
 *
 * @internal
 */
export class BoundedProducer<M extends ClientMessage, P = unknown> {
  private queue: PendingRecord<M, P>[] = [];
  private inFlight = 0;
  private flushScheduled = false;
  private closed = false;
  /** The earliest time some topic's facts are due to be learned again. */
  private nextRefreshAt = Number.POSITIVE_INFINITY;
  private connecting: Promise<void> | undefined;
  private readonly topics = new Map<string, TopicState<P>>();
  private readonly sending = new Set<Promise<void>>();
  private readonly backoffs = new Map<Subscription, readonly PendingRecord<M, P>[]>();
  private readonly builder: BatchBuilder<M, P>;
  private readonly scheduler: SchedulerLike;
  private readonly maxInFlight: number;
  private readonly maxRequestBytes: number;
  private readonly retry: ProduceRetry;
  private readonly factsMaxAgeMs: number;

  constructor(
    private readonly client: ProducerClient<M>,
    private readonly catalog: TopicFactsSource<P>,
    private readonly missingTopics: MissingTopics,
    options: BoundedProducerOptions<M, P>,
  ) {
    this.scheduler = options.scheduler;
    this.maxInFlight = options.maxInFlight ?? 4;
    this.maxRequestBytes = options.maxRequestBytes;
    this.retry = options.retry ?? produceRetry();
    this.factsMaxAgeMs = options.factsMaxAgeMs ?? 300_000;
    this.builder = new BatchBuilder<M, P>(
      this.maxRequestBytes,
      options.choosePartition ?? defaultPartitionChooser(),
      (topic) => this.relearnForPartition(topic),
    );
  }

  /** Queues records for the next batch; resolves per record once acknowledged. */
  produce(records: readonly OutgoingRecord[], options?: ProduceOptions): Promise<ProducedRecord[]> {
    const deadline = options?.deadline ?? this.scheduler.now() + this.retry.budgetMs;
    const results = records.map((record) => this.enqueue(record, deadline));
    this.scheduleFlush();
    return Promise.all(results);
  }

  private enqueue(record: OutgoingRecord, deadline: number): Promise<ProducedRecord> {
    if (this.closed) return Promise.reject(new ClosedError({ what: 'transport', topic: record.topic }));
    let topic = this.topics.get(record.topic);
    if (topic === undefined) {
      const refusal = this.refuse(record.topic);
      if (refusal) return Promise.reject(refusal);
      topic = topicState<P>(record.topic);
      this.topics.set(record.topic, topic);
      void this.learn(topic);
      void this.connect().catch(() => undefined);
    }
    let body: number;
    try {
      body = recordBodyBytes(record);
    } catch (error) {
      return Promise.reject(
        new ProduceError({
          topic: record.topic,
          partition: record.partition,
          retriable: false,
          reason: 'record-invalid',
          cause: error,
        }),
      );
    }
    // Before the topic's limit is known, only the request limit applies here; the rest is checked
    // when the record is batched.
    const tooBig = oversize(topic, { body, record }, this.maxRequestBytes);
    if (tooBig) return Promise.reject(tooBig);
    const state = topic;
    return new Promise<ProducedRecord>((resolve, reject) => {
      this.queue.push({
        record,
        message: this.client.message(record),
        body,
        topic: state,
        deadline,
        partition: UNCHOSEN,
        retries: 0,
        unlistedIn: -1,
        resolve,
        reject,
      });
    });
  }

  /** A record that cannot be produced fails at once instead of joining (and failing) a batch. */
  private refuse(topic: string): PubScribeError | undefined {
    if (!isLegalTopicName(topic)) {
      return new ProduceError({
        topic,
        retriable: false,
        cause: new Error(`'${topic}' is not a legal Kafka topic name`),
      });
    }
    if (this.missingTopics.isKnownMissing(topic)) {
      return new ConnectionError({ reason: 'unknown-topic', retriable: false, topic, what: 'produce' });
    }
    return undefined;
  }

  /** Learns (or learns again) a topic's limit and partitions; its records wait the first time. */
  private learn(topic: TopicState<P>): Promise<void> {
    if (this.closed) return Promise.resolve();
    topic.learning ??= this.catalog
      .learn(topic.name)
      .catch((): TopicLesson<P> => ({
        found: true,
        facts: { maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES },
        complete: false,
      }))
      .then((lesson) => {
        if (!lesson.found) {
          this.forgetMissing(topic, lesson.error);
          return;
        }
        topic.facts = lesson.facts;
        topic.generation += 1;
        topic.learnedAt = this.scheduler.now();
        topic.refreshAt = this.scheduler.now() + (lesson.complete ? this.factsMaxAgeMs : PARTIAL_FACTS_MAX_AGE_MS);
        this.nextRefreshAt = Math.min(this.nextRefreshAt, topic.refreshAt);
      })
      .finally(() => {
        topic.learning = undefined;
        this.scheduleFlush();
      });
    return topic.learning;
  }

  /**
   * A record names a partition the topic's facts do not list. Partitions are added to live topics
   * (a reply topic grown for more instances, say), and facts are kept for minutes: unless they
   * were learned within the last {@link RELEARN_INTERVAL_MS}, the topic is learned again and the
   * record waits for that (true). Recent facts are trusted (false): the record fails, and a stream
   * of records naming partitions that do not exist costs at most one lookup per interval.
   */
  private relearnForPartition(topic: TopicState<P>): boolean {
    if (this.closed) return false;
    if (topic.learning !== undefined) return true;
    if (this.scheduler.now() - topic.learnedAt < RELEARN_INTERVAL_MS) return false;
    void this.learn(topic);
    return true;
  }

  /** The topic does not exist: its queued records fail, and so do new ones for a while. */
  private forgetMissing(topic: TopicState<P>, error: unknown): void {
    this.missingTopics.markMissing(topic.name);
    if (this.topics.get(topic.name) === topic) this.topics.delete(topic.name);
    const held: PendingRecord<M, P>[] = [];
    for (const pending of this.queue) {
      if (pending.topic === topic) pending.reject(this.client.produceError(error, topic.name));
      else held.push(pending);
    }
    this.queue = held;
  }

  /** Connects once, on first use. */
  private connect(): Promise<void> {
    this.connecting ??= this.client.connect().catch((error: unknown) => {
      this.connecting = undefined;
      throw error;
    });
    return this.connecting;
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // Records produced in the same tick go out together.
    queueMicrotask(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    this.refreshStaleFacts();
    while (this.queue.length > 0 && this.inFlight < this.maxInFlight) {
      const { batch, held } = this.builder.build(this.queue, (pending, error) => pending.reject(error));
      this.queue = held;
      if (batch.length === 0) return;
      this.inFlight += 1;
      // The first send to a topic fetches its metadata first; a batch sent meanwhile can be
      // appended before it, and a responder's end marker would then overtake the reply before it.
      // So records for a topic wait while its first batch is in flight; other topics go on.
      const fresh = topicsOf(batch).filter((topic) => !topic.acknowledged);
      for (const topic of fresh) topic.holds += 1;
      const sent = this.send(batch).finally(() => {
        this.sending.delete(sent);
        this.inFlight -= 1;
        for (const topic of fresh) topic.holds -= 1;
        if (this.queue.length > 0) this.flush();
      });
      this.sending.add(sent);
    }
  }

  /** Facts past their age are learned again in the background; records keep using the old ones. */
  private refreshStaleFacts(): void {
    if (this.queue.length === 0 || this.closed) return;
    const now = this.scheduler.now();
    if (now < this.nextRefreshAt) return;
    this.nextRefreshAt = Number.POSITIVE_INFINITY;
    for (const topic of this.topics.values()) {
      if (topic.learning !== undefined || topic.facts === undefined) continue;
      if (now >= topic.refreshAt) void this.learn(topic);
      else this.nextRefreshAt = Math.min(this.nextRefreshAt, topic.refreshAt);
    }
  }

  /** Sends a batch; on failure, settles each record by what the failure means for it. */
  private async send(batch: readonly PendingRecord<M, P>[]): Promise<void> {
    let metadata: readonly AppendedBatch[];
    try {
      await this.connect();
      metadata = await this.client.send(batch);
    } catch (error) {
      await this.failed(batch, error);
      return;
    }
    for (const pending of batch) {
      pending.topic.acknowledged = true;
      pending.resolve(placed(pending, metadata));
    }
  }

  private async failed(batch: readonly PendingRecord<M, P>[], error: unknown): Promise<void> {
    const failure = this.client.classify(error);
    if (this.closed) {
      for (const pending of batch) {
        pending.reject(
          failure === 'retriable'
            ? new ClosedError({ what: 'transport', topic: pending.topic.name, cause: error })
            : this.client.produceError(error, pending.topic.name),
        );
      }
      return;
    }
    switch (failure) {
      case 'too-large':
      case 'record':
        await this.isolate(batch, error, failure);
        return;
      case 'retriable':
        this.retryLater(batch, error);
        return;
      case 'unknown-topic':
      case 'refused': {
        const topics = topicsOf(batch);
        if (topics.length > 1) {
          // One bad topic (a reply topic named by a stranger's header, say) must not fail the
          // records of every other topic that shared its batch: send each topic on its own.
          await Promise.all(topics.map((topic) => this.send(batch.filter((pending) => pending.topic === topic))));
          return;
        }
        if (failure === 'unknown-topic') this.forgetMissing(topics[0]!, error);
        for (const pending of batch) pending.reject(this.client.produceError(error, pending.topic.name));
        return;
      }
      case 'fatal':
        for (const pending of batch) pending.reject(this.client.produceError(error, pending.topic.name));
    }
  }

  /**
   * The broker refused the batch for some record's sake. For size, the topics' limits are learned
   * again first: records now too large alone fail, and if a limit changed the rest are batched
   * anew. Otherwise the batch is halved and each half sent in turn, until the culprit is alone and
   * fails alone. The topics are held meanwhile, so later records do not overtake these.
   */
  private async isolate(
    batch: readonly PendingRecord<M, P>[],
    error: unknown,
    failure: 'too-large' | 'record',
  ): Promise<void> {
    const topics = topicsOf(batch);
    for (const topic of topics) topic.holds += 1;
    try {
      let rest = batch;
      if (failure === 'too-large') {
        const limits = topics.map((topic) => topic.facts?.maxMessageBytes);
        await Promise.all(topics.map((topic) => this.learn(topic)));
        rest = batch.filter((pending) => {
          const refusal = oversize(pending.topic, pending, this.maxRequestBytes);
          if (refusal) pending.reject(refusal);
          return refusal === undefined;
        });
        if (topics.some((topic, index) => topic.facts?.maxMessageBytes !== limits[index])) {
          this.queue = [...rest, ...this.queue];
          return;
        }
      }
      if (rest.length === 0) return;
      if (batch.length === 1) {
        const [culprit] = batch;
        culprit!.reject(failure === 'too-large' ? refusedForSize(culprit!, error) : refusedRecord(culprit!, error));
        return;
      }
      const middle = Math.ceil(rest.length / 2);
      await this.send(rest.slice(0, middle));
      if (rest.length > middle) await this.send(rest.slice(middle));
    } finally {
      for (const topic of topics) topic.holds -= 1;
      this.scheduleFlush();
    }
  }

  /**
   * A failure that usually passes: the records go back to the front of the queue after an
   * exponential back-off, except those whose deadline comes first, which fail now. Their
   * partitions are held meanwhile, so later records do not overtake them (records already in
   * flight may, as with any client that retries with several requests in flight).
   */
  private retryLater(batch: readonly PendingRecord<M, P>[], error: unknown): void {
    let retry = 1;
    for (const pending of batch) retry = Math.max(retry, pending.retries + 1);
    const wait = backoffMs(this.retry, retry);
    const resumeAt = this.scheduler.now() + wait;
    const kept: PendingRecord<M, P>[] = [];
    for (const pending of batch) {
      if (resumeAt >= pending.deadline) {
        pending.reject(
          new ProduceError({
            topic: pending.topic.name,
            partition: pending.partition >= 0 ? pending.partition : undefined,
            retriable: true,
            reason: 'retries-exhausted',
            attempts: pending.retries + 1,
            cause: error,
          }),
        );
      } else {
        pending.retries = retry;
        kept.push(pending);
      }
    }
    if (kept.length === 0) return;
    // Only the partitions that failed wait: the rest of the topic goes on.
    const slots = kept.map((pending) => [pending.topic, slotOf(pending)] as const);
    for (const [topic, slot] of slots) topic.slotHolds.set(slot, (topic.slotHolds.get(slot) ?? 0) + 1);
    const timer = this.scheduler.schedule(() => {
      this.backoffs.delete(timer);
      for (const [topic, slot] of slots) {
        const holds = (topic.slotHolds.get(slot) ?? 1) - 1;
        if (holds > 0) topic.slotHolds.set(slot, holds);
        else topic.slotHolds.delete(slot);
      }
      this.queue = [...kept, ...this.queue];
      this.scheduleFlush();
    }, wait);
    // A back-off shorter than a tick may have run already.
    if (!timer.closed) this.backoffs.set(timer, kept);
  }

  /**
   * Stops taking records and disconnects once the batches in flight settle. Records still queued
   * or waiting to be retried fail with a `ClosedError`.
   */
  async disconnect(): Promise<void> {
    this.closed = true;
    for (const [timer, kept] of this.backoffs) {
      timer.unsubscribe();
      for (const pending of kept) pending.reject(new ClosedError({ what: 'transport', topic: pending.topic.name }));
    }
    this.backoffs.clear();
    const queued = this.queue;
    this.queue = [];
    for (const pending of queued) pending.reject(new ClosedError({ what: 'transport', topic: pending.topic.name }));
    await Promise.all([...this.sending]);
    await this.catalog.disconnect().catch(() => undefined);
    if (this.connecting) {
      await this.connecting.catch(() => undefined);
      await this.client.disconnect();
      this.connecting = undefined;
    }
  }
}

function topicsOf<P>(batch: readonly PendingRecord<unknown, P>[]): TopicState<P>[] {
  const topics: TopicState<P>[] = [];
  for (const pending of batch) if (!topics.includes(pending.topic)) topics.push(pending.topic);
  return topics;
}

function placed(pending: PendingRecord, metadata: readonly AppendedBatch[]): ProducedRecord {
  const topic = pending.topic.name;
  const partition = pending.partition >= 0 ? pending.partition : undefined;
  let entry: AppendedBatch | undefined;
  let candidates = 0;
  for (const candidate of metadata) {
    if (candidate.topicName !== topic) continue;
    candidates += 1;
    if (partition === undefined ? candidates === 1 : candidate.partition === partition) entry = candidate;
  }
  if (partition === undefined && candidates !== 1) entry = undefined;
  return entry ? { topic, partition: entry.partition, offset: entry.baseOffset } : { topic, partition };
}

/** A lone record the broker refused for its size (our estimate said it fits: the limit moved). */
function refusedForSize(pending: PendingRecord, error: unknown): ProduceError {
  return tooLarge(
    pending.topic.name,
    pending.partition >= 0 ? pending.partition : undefined,
    RECORD_BATCH_OVERHEAD + recordBytesAt(pending.body, 0),
    pending.topic.facts?.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
    true,
    error,
  );
}

/** A lone record the broker (or the client, encoding it) refused for another reason than size. */
function refusedRecord(pending: PendingRecord, error: unknown): ProduceError {
  return new ProduceError({
    topic: pending.topic.name,
    partition: pending.partition >= 0 ? pending.partition : undefined,
    retriable: false,
    reason: 'record-invalid',
    cause: error,
  });
}
