import type { Message } from 'kafkajs';
import type { OutgoingRecord, ProducedRecord } from '../records.js';
import type { TopicFacts } from './topic-catalog.js';

/** The partition of a record is chosen when its topic's partitions are known. */
export const UNCHOSEN = -2;
/** The record goes without a partition: kafkajs picks one (the topic's partitions are unknown). */
export const KAFKAJS_CHOOSES = -1;

/**
 * A record waiting to be produced, with what batching needs to know about it.
 *
 * @internal
 */
export interface PendingRecord {
  readonly record: OutgoingRecord;
  /** What kafkajs sends; its `partition` is set once chosen. */
  readonly message: Message;
  /** The record's encoded size less its offset delta and length varint (see `recordBodyBytes`). */
  readonly body: number;
  readonly topic: TopicState;
  /** Wall-clock time after which a retriable failure is no longer retried. */
  readonly deadline: number;
  /** The chosen partition, or `UNCHOSEN`, or `KAFKAJS_CHOOSES`. */
  partition: number;
  /** How many times a retriable failure sent it back to the queue. */
  retries: number;
  readonly resolve: (produced: ProducedRecord) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Where a record's bytes are counted: its partition's record batch, or, while the topic's
 * partitions are unknown, one record batch for the whole topic (never too much).
 */
export const slotOf = (pending: PendingRecord): number =>
  pending.topic.facts?.partitions === undefined || pending.partition < 0 ? 0 : pending.partition;

/**
 * What the producer keeps per topic: its facts and the scratch space of the batch being built.
 *
 * @internal
 */
export interface TopicState {
  readonly name: string;
  /** The topic's entry in a produce request: its name (2 + length) and its partition count (4). */
  readonly requestBytes: number;
  /** Undefined until learned for the first time; records of the topic wait until then. */
  facts: TopicFacts | undefined;
  /** Wall-clock time after which the facts are learned again. */
  refreshAt: number;
  learning: Promise<void> | undefined;
  /** A batch to the topic was acknowledged: kafkajs holds its metadata. */
  acknowledged: boolean;
  /** While above 0 the topic's queued records wait: its first batch, a retry back-off or an isolation is under way. */
  holds: number;
  /** Per partition slot: how many retry back-offs hold its records (other partitions go on). */
  readonly slotHolds: Map<number, number>;
  /** The batch the scratch fields below belong to. */
  stamp: number;
  /** Per partition slot (the partition, or 0 when kafkajs chooses): the batch its scratch belongs to. */
  readonly slotStamps: number[];
  /** Per slot: bytes of its record batch so far, batch header included. */
  readonly slotBytes: number[];
  /** Per slot: records in its record batch so far (the next record's offset delta). */
  readonly slotCounts: number[];
  /** Per slot: a record did not fit, so later records of the partition wait for the next batch. */
  readonly slotClosed: boolean[];
}

/** @internal */
export function topicState(name: string): TopicState {
  return {
    name,
    requestBytes: 2 + Buffer.byteLength(name, 'utf8') + 4,
    facts: undefined,
    refreshAt: 0,
    learning: undefined,
    acknowledged: false,
    holds: 0,
    slotHolds: new Map(),
    stamp: 0,
    slotStamps: [],
    slotBytes: [],
    slotCounts: [],
    slotClosed: [],
  };
}
