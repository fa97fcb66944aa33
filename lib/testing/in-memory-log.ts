import { normaliseHeaders } from '../headers/index.js';
import type { ConsumedRecord, OutgoingRecord, TopicPartition } from '../transport/records.js';
import { keyPartition } from '../transport/key-partitioner.js';

/** One partition: its records, by offset, and how many of them consumers may read. */
interface PartitionLog {
  readonly records: ConsumedRecord[];
  /** Kafka's high watermark: records below it are visible to consumers. */
  visibleEnd: number;
}

/** Copies bytes, as a broker would: a caller reusing its Buffer cannot change a stored record. */
const copyBytes = (value: Buffer | string | null | undefined): Buffer | null => {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value);
};

const byTopicThenPartition = (a: TopicPartition, b: TopicPartition): number =>
  a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1;

/**
 * Topics, partitions and offsets, in memory. Offsets start at 0 and nothing is ever deleted, so
 * every partition's log start is 0. A record is appended at once but readable only below its
 * partition's visible end, which the transport advances (after its delivery delay).
 *
 * @internal
 */
export class InMemoryLog {
  private readonly topics = new Map<string, PartitionLog[]>();
  private readonly roundRobin = new Map<string, number>();
  private readonly listeners = new Set<(topic: string, partition: number) => void>();

  /** Adds a topic; adding it again with the same partition count does nothing. */
  createTopic(topic: string, partitions: number): void {
    if (topic.length === 0) throw new TypeError('createTopic: a topic needs a name.');
    if (!Number.isInteger(partitions) || partitions < 1) {
      throw new RangeError(
        `createTopic: topic '${topic}' needs a whole number of partitions from 1, got ${partitions}.`,
      );
    }
    const existing = this.topics.get(topic);
    if (existing === undefined) {
      this.topics.set(
        topic,
        Array.from({ length: partitions }, () => ({ records: [], visibleEnd: 0 })),
      );
    } else if (existing.length !== partitions) {
      throw new TypeError(
        `createTopic: topic '${topic}' exists with ${existing.length} partitions, not ${partitions}.`,
      );
    }
  }

  /** How many partitions `topic` has, or undefined when there is no such topic. */
  partitionCount(topic: string): number | undefined {
    return this.topics.get(topic)?.length;
  }

  /** Every partition of `topics`, sorted by topic, then partition. */
  partitionsOf(topics: readonly string[]): TopicPartition[] {
    return [...new Set(topics)]
      .flatMap((topic) =>
        Array.from({ length: this.partitionCount(topic) ?? 0 }, (_, partition) => ({ topic, partition })),
      )
      .sort(byTopicThenPartition);
  }

  /**
   * Where a record goes, as kafkajs's default partitioner decides: its own partition, else the
   * murmur2 hash of its key, else round robin (from partition 0, where kafkajs starts at random).
   */
  choosePartition(record: OutgoingRecord): number {
    const partitions = this.partitionsOrThrow(record.topic).length;
    if (record.partition !== undefined) return record.partition;
    if (record.key !== null && record.key !== undefined)
      return keyPartition(copyBytes(record.key) ?? Buffer.alloc(0), partitions);
    const turn = this.roundRobin.get(record.topic) ?? 0;
    this.roundRobin.set(record.topic, turn + 1);
    return turn % partitions;
  }

  /** Appends `record` to `partition` at the next offset; consumers see it only once revealed. */
  append(record: OutgoingRecord, partition: number, timestamp: number): ConsumedRecord {
    const log = this.partitionOrThrow(record.topic, partition);
    const appended: ConsumedRecord = {
      topic: record.topic,
      partition,
      offset: String(log.records.length),
      key: copyBytes(record.key),
      value: copyBytes(record.value),
      headers: normaliseHeaders(record.headers),
      timestamp: String(timestamp),
    };
    log.records.push(appended);
    return appended;
  }

  /** Makes every record below `end` visible, and tells the listeners. */
  reveal(topic: string, partition: number, end: number): void {
    const log = this.partitionOrThrow(topic, partition);
    if (end <= log.visibleEnd) return;
    log.visibleEnd = Math.min(end, log.records.length);
    for (const listener of [...this.listeners]) listener(topic, partition);
  }

  /** The partition's high watermark: the offset the next visible record will have. */
  visibleEnd(topic: string, partition: number): number {
    return this.partitionOrThrow(topic, partition).visibleEnd;
  }

  /** The records of a partition from offset `from` up to (not including) `to`. */
  read(topic: string, partition: number, from: number, to: number): readonly ConsumedRecord[] {
    return this.partitionOrThrow(topic, partition).records.slice(from, to);
  }

  /** Everything appended to `topic`, visible or not, partition by partition in offset order. */
  records(topic: string): readonly ConsumedRecord[] {
    return this.partitionsOrThrow(topic).flatMap((log) => log.records);
  }

  /** Calls `listener` whenever records of a partition become visible; returns how to stop. */
  onVisible(listener: (topic: string, partition: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private partitionsOrThrow(topic: string): PartitionLog[] {
    const partitions = this.topics.get(topic);
    if (partitions === undefined) throw new TypeError(`There is no topic '${topic}' in this in-memory transport.`);
    return partitions;
  }

  private partitionOrThrow(topic: string, partition: number): PartitionLog {
    const log = this.partitionsOrThrow(topic)[partition];
    if (log === undefined) throw new RangeError(`Topic '${topic}' has no partition ${partition}.`);
    return log;
  }
}
