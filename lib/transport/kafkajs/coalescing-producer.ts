import type { Message, Producer, RecordMetadata, TopicMessages } from 'kafkajs';
import type { OutgoingRecord, ProducedRecord } from '../records.js';
import { ConnectionError, ProduceError, PubScribeError } from '../../errors/index.js';
import { connectionReason, toProduceError } from './kafkajs-errors.js';
import { isLegalTopicName, MissingTopics } from './topic-health.js';

interface Pending {
  readonly record: OutgoingRecord;
  readonly resolve: (produced: ProducedRecord) => void;
  readonly reject: (error: unknown) => void;
}

function toMessage(record: OutgoingRecord): Message {
  return {
    key: record.key ?? null,
    value: record.value,
    headers: record.headers,
    ...(record.partition === undefined ? {} : { partition: record.partition }),
  };
}

function groupByTopic(batch: readonly Pending[]): TopicMessages[] {
  const byTopic = new Map<string, Message[]>();
  for (const { record } of batch) {
    const messages = byTopic.get(record.topic) ?? [];
    messages.push(toMessage(record));
    byTopic.set(record.topic, messages);
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}

/**
 * kafkajs has no linger: every `send` is its own produce request. This producer sends the first
 * record at once and, while sends are in flight, gathers what arrives meanwhile into one
 * `sendBatch`, so a burst of requests costs a few produce requests, not one each, and a lone
 * request pays no added latency. At most `maxInFlight` batches are outstanding.
 *
 * @internal
 */
export class CoalescingProducer {
  private queue: Pending[] = [];
  private inFlight = 0;
  private flushScheduled = false;
  private connecting: Promise<void> | undefined;
  /** Topics a batch was acknowledged for: kafkajs holds their metadata. */
  private readonly knownTopics = new Set<string>();
  /** Topics whose first batch is in flight: their later records wait for it (see `flush`). */
  private readonly firstSends = new Set<string>();

  constructor(
    private readonly producer: Producer,
    private readonly missingTopics: MissingTopics,
    private readonly maxInFlight = 4,
  ) {}

  /** Queues records for the next batch; resolves per record once acknowledged. */
  produce(records: readonly OutgoingRecord[]): Promise<ProducedRecord[]> {
    const results = records.map((record) => {
      const refusal = this.refuse(record.topic);
      if (refusal) return Promise.reject(refusal);
      return new Promise<ProducedRecord>((resolve, reject) => {
        this.queue.push({ record, resolve, reject });
      });
    });
    this.scheduleFlush();
    return Promise.all(results);
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

  /** Connects once, on first use. */
  private connect(): Promise<void> {
    this.connecting ??= this.producer.connect().catch((error: unknown) => {
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
    // The first send to a topic fetches its metadata first; a batch sent meanwhile can be appended
    // before it, and a responder's end marker would then overtake the reply before it. So records
    // for a topic wait while its first batch is in flight; other topics go on.
    while (this.queue.length > 0 && this.inFlight < this.maxInFlight) {
      const batch: Pending[] = [];
      const held: Pending[] = [];
      for (const pending of this.queue) (this.firstSends.has(pending.record.topic) ? held : batch).push(pending);
      if (batch.length === 0) return;
      this.queue = held;
      this.inFlight += 1;
      const fresh = new Set(
        batch.map((pending) => pending.record.topic).filter((topic) => !this.knownTopics.has(topic)),
      );
      for (const topic of fresh) this.firstSends.add(topic);
      void this.send(batch).finally(() => {
        this.inFlight -= 1;
        for (const topic of fresh) this.firstSends.delete(topic);
        if (this.queue.length > 0) this.flush();
      });
    }
  }

  private async send(batch: readonly Pending[]): Promise<void> {
    try {
      await this.connect();
      const metadata = await this.producer.sendBatch({ topicMessages: groupByTopic(batch) });
      for (const pending of batch) this.knownTopics.add(pending.record.topic);
      for (const pending of batch) pending.resolve(placed(pending.record, metadata));
    } catch (error) {
      const topics = [...new Set(batch.map((pending) => pending.record.topic))];
      if (topics.length === 1) {
        if (connectionReason(error) === 'unknown-topic') this.missingTopics.markMissing(topics[0]!);
        for (const pending of batch) pending.reject(toProduceError(error, pending.record.topic));
        return;
      }
      // One bad topic (a reply topic named by a stranger's header, say) must not fail the records
      // of every other topic that shared its batch: send each topic on its own.
      await Promise.all(topics.map((topic) => this.send(batch.filter((pending) => pending.record.topic === topic))));
    }
  }

  /** Disconnects after the batches in flight settle. */
  async disconnect(): Promise<void> {
    if (this.connecting) {
      await this.connecting.catch(() => undefined);
      await this.producer.disconnect();
      this.connecting = undefined;
    }
  }
}

function placed(record: OutgoingRecord, metadata: readonly RecordMetadata[]): ProducedRecord {
  const candidates = metadata.filter((entry) => entry.topicName === record.topic);
  const entry =
    record.partition === undefined
      ? candidates.length === 1
        ? candidates[0]
        : undefined
      : candidates.find((candidate) => candidate.partition === record.partition);
  return entry
    ? { topic: record.topic, partition: entry.partition, offset: entry.baseOffset }
    : { topic: record.topic, partition: record.partition };
}
