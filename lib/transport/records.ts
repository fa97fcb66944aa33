import type { OutgoingHeaders, RecordHeaders } from '../headers/index.js';

/**
 * A record as a consumer received it: raw bytes, normalised headers, its position in the log.
 *
 * @since 0.1.0
 * @category transport
 */
export interface ConsumedRecord {
  readonly topic: string;
  readonly partition: number;
  /** The record's offset, as a decimal string (Kafka offsets are 64-bit). */
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: RecordHeaders;
  /** Milliseconds since the epoch, as a decimal string. */
  readonly timestamp: string;
}

/**
 * A record to produce. Without `partition`, the producer's partitioner picks one from the key.
 *
 * @since 0.1.0
 * @category transport
 */
export interface OutgoingRecord {
  readonly topic: string;
  readonly key?: Buffer | string | null;
  readonly value: Buffer | string | null;
  readonly headers?: OutgoingHeaders;
  readonly partition?: number;
}

/**
 * Where a produced record was appended.
 *
 * @since 0.1.0
 * @category transport
 */
export interface ProducedRecord {
  readonly topic: string;
  /** Known when the record named its partition, or when its batch wrote to one partition of the topic. */
  readonly partition?: number;
  /** The base offset of the batch the record was written in, when the partition is known. */
  readonly offset?: string;
}

/**
 * A fixed numeric start position of one partition: the next offset a consumer will read.
 *
 * @since 0.1.0
 * @category transport
 */
export interface PartitionPosition {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

/**
 * A partition of a topic.
 *
 * @since 0.1.0
 * @category transport
 */
export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}
