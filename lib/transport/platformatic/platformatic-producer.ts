import { compatibilityPartitioner, type MessageToProduce, type Producer } from '@platformatic/kafka';
import { ConnectionError, ProduceError, PubScribeError } from '../../errors/index.js';
import { isLegalTopicName, MissingTopics } from '../topic-health.js';
import type { OutgoingRecord, ProducedRecord } from '../records.js';
import { platformaticReason, toPlatformaticProduceError } from './platformatic-errors.js';
import { estimateRecordBytes } from './record-size.js';

interface Pending {
  readonly record: OutgoingRecord;
  readonly bytes: number;
  readonly resolve: (produced: ProducedRecord) => void;
  readonly reject: (error: unknown) => void;
}

const toBuffer = (data: Buffer | string): Buffer => (typeof data === 'string' ? Buffer.from(data) : data);

function toHeaders(record: OutgoingRecord): Map<Buffer, Buffer> | undefined {
  if (!record.headers) return undefined;
  const headers = new Map<Buffer, Buffer>();
  for (const [name, value] of Object.entries(record.headers)) headers.set(Buffer.from(name), toBuffer(value));
  return headers;
}

/** Options of {@link PlatformaticProducer}. @internal */
export interface PlatformaticProducerOptions {
  /** Produce requests outstanding at once. */
  readonly maxInFlight: number;
  /** A batch closes before the record that would take it past this many (estimated) bytes. */
  readonly maxBatchBytes: number;
  /** How a record's size is estimated; the shared estimator of the data path can be passed here. */
  readonly estimate?: (record: OutgoingRecord) => number;
  /**
   * The acknowledgement every send asks for. @platformatic/kafka 1.35 does not apply its
   * producer's `acks` setting to `send()` (a non-idempotent send without `acks` asks the leader
   * only), so the transport names it on each call.
   */
  readonly acks: number;
}

/**
 * `Producer.send` of @platformatic/kafka has no linger either: every call is its own produce
 * request per leader. Like the kafkajs transport's producer, this one sends the first record at
 * once and, while sends are in flight, gathers what arrives meanwhile into one `send` (bounded by
 * an estimated byte size), so a burst costs a few produce requests and a lone record no added
 * latency. Partitions are chosen here, from the client's cached metadata, with Kafka's Java
 * (and kafkajs's) murmur2 partitioner, so a key lands on the same partition with either
 * transport, and every produced record learns its partition and offset. A record naming a
 * partition the topic does not have fails alone (the client would wrap it around silently).
 *
 * @internal
 */
export class PlatformaticProducer {
  private queue: Pending[] = [];
  private inFlight = 0;
  private flushScheduled = false;
  private readonly knownTopics = new Set<string>();
  private readonly firstSends = new Set<string>();
  private readonly roundRobin = new Map<string, number>();
  private readonly estimate: (record: OutgoingRecord) => number;

  constructor(
    private readonly producer: Producer,
    private readonly missingTopics: MissingTopics,
    private readonly options: PlatformaticProducerOptions,
  ) {
    this.estimate = options.estimate ?? estimateRecordBytes;
  }

  /** Queues records for the next batch; resolves per record once acknowledged. */
  produce(records: readonly OutgoingRecord[]): Promise<ProducedRecord[]> {
    const results = records.map((record) => {
      const refusal = this.refuse(record);
      if (refusal) return Promise.reject(refusal);
      return new Promise<ProducedRecord>((resolve, reject) => {
        this.queue.push({ record, bytes: this.estimate(record), resolve, reject });
      });
    });
    this.scheduleFlush();
    return Promise.all(results);
  }

  private refuse(record: OutgoingRecord): PubScribeError | undefined {
    const { topic } = record;
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
    if (record.partition !== undefined && (!Number.isInteger(record.partition) || record.partition < 0)) {
      return new ProduceError({
        topic,
        retriable: false,
        cause: new Error(`partition ${record.partition} is not a partition number`),
      });
    }
    return undefined;
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    queueMicrotask(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    // As in the kafkajs producer: records for a topic whose first batch is in flight wait for it,
    // so a responder's later records cannot overtake earlier ones while metadata is fetched.
    while (this.queue.length > 0 && this.inFlight < this.options.maxInFlight) {
      const batch: Pending[] = [];
      const rest: Pending[] = [];
      // A topic with a record left for later keeps the rest of its records behind it, in order.
      const deferred = new Set(this.firstSends);
      let bytes = 0;
      for (const pending of this.queue) {
        const fits = batch.length === 0 || bytes + pending.bytes <= this.options.maxBatchBytes;
        if (fits && !deferred.has(pending.record.topic)) {
          batch.push(pending);
          bytes += pending.bytes;
        } else {
          deferred.add(pending.record.topic);
          rest.push(pending);
        }
      }
      if (batch.length === 0) return;
      this.queue = rest;
      this.inFlight += 1;
      const fresh = new Set(batch.map((p) => p.record.topic).filter((topic) => !this.knownTopics.has(topic)));
      for (const topic of fresh) this.firstSends.add(topic);
      void this.send(batch).finally(() => {
        this.inFlight -= 1;
        for (const topic of fresh) this.firstSends.delete(topic);
        if (this.queue.length > 0) this.flush();
      });
    }
  }

  private async send(batch: readonly Pending[]): Promise<void> {
    const topics = [...new Set(batch.map((pending) => pending.record.topic))];
    try {
      const metadata = await this.producer.metadata({ topics });
      const sendable: Pending[] = [];
      const messages: MessageToProduce<Buffer, Buffer, Buffer, Buffer>[] = [];
      for (const pending of batch) {
        const { record } = pending;
        const count = metadata.topics.get(record.topic)?.partitionsCount ?? 0;
        const partition = record.partition ?? this.partitionOf(record, count);
        if (partition >= count) {
          pending.reject(
            new ProduceError({
              topic: record.topic,
              retriable: false,
              cause: new Error(
                `topic '${record.topic}' has ${count} partitions; partition ${partition} does not exist`,
              ),
            }),
          );
          continue;
        }
        sendable.push(pending);
        messages.push({
          topic: record.topic,
          partition,
          key: record.key === null || record.key === undefined ? undefined : toBuffer(record.key),
          value: record.value === null ? undefined : toBuffer(record.value),
          headers: toHeaders(record),
        });
      }
      if (sendable.length === 0) return;
      const result = await this.producer.send({ messages, acks: this.options.acks });
      for (const topic of topics) this.knownTopics.add(topic);
      const baseOffsets = new Map(
        (result.offsets ?? []).map((entry) => [`${entry.partition}:${entry.topic}`, entry.offset]),
      );
      sendable.forEach((pending, index) => {
        const partition = messages[index]!.partition!;
        const offset = baseOffsets.get(`${partition}:${pending.record.topic}`);
        pending.resolve({
          topic: pending.record.topic,
          partition,
          ...(offset === undefined ? {} : { offset: offset.toString() }),
        });
      });
    } catch (error) {
      if (topics.length === 1) {
        if (platformaticReason(error) === 'unknown-topic') this.missingTopics.markMissing(topics[0]!);
        for (const pending of batch) pending.reject(toPlatformaticProduceError(error, pending.record.topic));
        return;
      }
      // One bad topic must not fail the records of every other topic that shared its batch.
      await Promise.all(topics.map((topic) => this.send(batch.filter((pending) => pending.record.topic === topic))));
    }
  }

  /** Kafka's default for keyed records (murmur2, positive, modulo); round robin without a key. */
  private partitionOf(record: OutgoingRecord, count: number): number {
    if (count === 0) return 0;
    if (record.key !== null && record.key !== undefined) {
      const key = toBuffer(record.key);
      return compatibilityPartitioner({ topic: record.topic, key }, key) % count;
    }
    const next = this.roundRobin.get(record.topic) ?? 0;
    this.roundRobin.set(record.topic, (next + 1) % count);
    return next;
  }

  /** Closes the client after the batches in flight settle. */
  async close(): Promise<void> {
    await this.producer.close();
  }
}
