import type { OutgoingRecord, ProducedRecord } from '../records.js';
import type { TopicFacts } from './producer-client.js';

/** The partition of a record is chosen when its topic's partitions are known. */
export const UNCHOSEN = -2;
/** The record goes without a partition: the client picks one (the topic's partitions are unknown). */
export const CLIENT_CHOOSES = -1;

/**
 * A record waiting to be produced, with what batching needs to know about it. `M` is the
 * client's form of the record, `P` its description of a partition.
 *
 * @internal
 */
export interface PendingRecord<M = unknown, P = unknown> {
  readonly record: OutgoingRecord;
  /** What the client sends; its `partition` is set once chosen. */
  readonly message: M;
  /** The record's encoded size less its offset delta and length varint (see `recordBodyBytes`). */
  readonly body: number;
  readonly topic: TopicState<P>;
  /** Wall-clock time after which a retriable failure is no longer retried. */
  readonly deadline: number;
  /** The chosen partition, or `UNCHOSEN`, or `CLIENT_CHOOSES`. */
  partition: number;
  /** How many times a retriable failure sent it back to the queue. */
  retries: number;
  /**
   * The generation of its topic's facts that did not list its partition (it waits for the next
   * generation, learned again for its sake), or -1 when its partition has not been missed yet.
   */
  unlistedIn: number;
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
 * A topic's entry in a produce request, besides its partitions: its name and its partition count.
 * Produce v7 (kafkajs) spends 2 + name + 4 bytes; the flexible versions (v9 on, @platformatic/kafka)
 * a compact name (up to 2 + name), a compact count (up to 5) and tagged fields (1). The larger.
 */
const topicEntryBytes = (name: string): number => 2 + Buffer.byteLength(name, 'utf8') + 6;

/**
 * What the producer keeps per topic: its facts and the scratch space of the batch being built.
 *
 * @internal
 */
export interface TopicState<P = unknown> {
  readonly name: string;
  /** The topic's entry in a produce request: its name and its partition count. */
  readonly requestBytes: number;
  /** Undefined until learned for the first time; records of the topic wait until then. */
  facts: TopicFacts<P> | undefined;
  /** How many times the facts were learned: records waiting for newer facts compare it. */
  generation: number;
  /** Wall-clock time the facts were last learned. */
  learnedAt: number;
  /** Wall-clock time after which the facts are learned again. */
  refreshAt: number;
  learning: Promise<void> | undefined;
  /** A batch to the topic was acknowledged: the client holds its metadata. */
  acknowledged: boolean;
  /** While above 0 the topic's queued records wait: its first batch, a retry back-off or an isolation is under way. */
  holds: number;
  /** Per partition slot: how many retry back-offs hold its records (other partitions go on). */
  readonly slotHolds: Map<number, number>;
  /** The batch the scratch fields below belong to. */
  stamp: number;
  /** Per partition slot (the partition, or 0 when the client chooses): the batch its scratch belongs to. */
  readonly slotStamps: number[];
  /** Per slot: bytes of its record batch so far, batch header included. */
  readonly slotBytes: number[];
  /** Per slot: records in its record batch so far (the next record's offset delta). */
  readonly slotCounts: number[];
  /** Per slot: a record did not fit, so later records of the partition wait for the next batch. */
  readonly slotClosed: boolean[];
}

/** @internal */
export function topicState<P>(name: string): TopicState<P> {
  return {
    name,
    requestBytes: topicEntryBytes(name),
    facts: undefined,
    generation: 0,
    learnedAt: 0,
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
