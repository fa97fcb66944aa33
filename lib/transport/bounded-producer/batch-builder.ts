import { ProduceError } from '../../errors/index.js';
import { RECORD_BATCH_OVERHEAD, recordBytesAt } from '../record-size.js';
import { CLIENT_CHOOSES, PendingRecord, slotOf, TopicState, UNCHOSEN } from './pending-record.js';
import type { PartitionChooser } from './partition-chooser.js';
import type { ClientMessage } from './producer-client.js';

/**
 * A produce request's own bytes, besides its topics: size, API key and version, correlation id,
 * client id (up to ~1000 bytes), transactional id, acks, timeout and the topic count.
 *
 * @internal
 */
export const REQUEST_OVERHEAD_BYTES = 1024;

/**
 * A partition's entry in a produce request, besides its record batch: partition id (4) and record
 * set size (4 in produce v7, kafkajs's; up to 5 as a compact varint, and 1 of tagged fields, in the
 * flexible versions, @platformatic/kafka's). The larger.
 */
export const PARTITION_ENTRY_BYTES = 10;

/**
 * Why a record can never be sent: it is larger alone than its topic's `max.message.bytes` or than
 * the largest record batch a request of `maxRequestBytes` can carry. Undefined when it fits.
 *
 * @internal
 */
export function oversize(
  topic: TopicState<unknown>,
  pending: Pick<PendingRecord, 'body' | 'record'>,
  maxRequestBytes: number,
): ProduceError | undefined {
  const recordBytes = RECORD_BATCH_OVERHEAD + recordBytesAt(pending.body, 0);
  const requestLimit = maxRequestBytes - REQUEST_OVERHEAD_BYTES - topic.requestBytes - PARTITION_ENTRY_BYTES;
  const topicLimit = topic.facts?.maxMessageBytes ?? Number.POSITIVE_INFINITY;
  if (recordBytes <= topicLimit && recordBytes <= requestLimit) return undefined;
  const byTopic = topicLimit <= requestLimit;
  return tooLarge(topic.name, pending.record.partition, recordBytes, byTopic ? topicLimit : requestLimit, byTopic);
}

/** @internal */
export function tooLarge(
  topic: string,
  partition: number | undefined,
  recordBytes: number,
  limitBytes: number,
  byTopic: boolean,
  cause?: unknown,
): ProduceError {
  return new ProduceError({
    topic,
    partition,
    retriable: false,
    reason: 'record-too-large',
    recordBytes,
    limitBytes,
    limitName: byTopic ? 'max.message.bytes' : 'maxRequestBytes',
    cause,
  });
}

/**
 * The next produce request: records taken from the front of the queue, in order, while every
 * partition's record batch stays within its topic's `max.message.bytes` and the request within
 * `maxRequestBytes`. A record that does not fit waits, and so does every later record of its
 * partition (once the request is full, every later record), so order within a partition is kept.
 * Records of a topic that is held (not learned yet, first batch in flight, retry back-off) wait.
 *
 * @internal
 */
export class BatchBuilder<M extends ClientMessage, P> {
  private stamp = 0;

  /**
   * @param relearn asked when a record names a partition its topic's facts do not list (partitions
   *   may have been added since they were learned): true when the topic is being learned again, so
   *   the record waits for the new facts, false when they are recent enough to trust, so it fails.
   */
  constructor(
    private readonly maxRequestBytes: number,
    private readonly choose: PartitionChooser<M, P>,
    private readonly relearn: (topic: TopicState<P>) => boolean,
  ) {}

  /**
   * Splits `queue` into the batch to send now and the records that stay queued; `refuse` is told
   * of records that can never be sent (larger alone than a limit that changed, or a partitioner
   * that threw).
   */
  build(
    queue: readonly PendingRecord<M, P>[],
    refuse: (pending: PendingRecord<M, P>, error: unknown) => void,
  ): { readonly batch: PendingRecord<M, P>[]; readonly held: PendingRecord<M, P>[] } {
    const stamp = ++this.stamp;
    const batch: PendingRecord<M, P>[] = [];
    const held: PendingRecord<M, P>[] = [];
    let requestBytes = REQUEST_OVERHEAD_BYTES;
    let full = false;
    for (const pending of queue) {
      const topic = pending.topic;
      const facts = topic.facts;
      if (full || topic.holds > 0 || facts === undefined) {
        held.push(pending);
        continue;
      }
      if (pending.partition === UNCHOSEN) {
        if (pending.unlistedIn === topic.generation) {
          // Its partition was not listed: it waits for the topic to be learned again.
          held.push(pending);
          continue;
        }
        const refusal = this.choosePartition(topic, pending);
        if (refusal instanceof UnlistedPartition) {
          if (pending.unlistedIn < 0 && this.relearn(topic)) {
            pending.unlistedIn = topic.generation;
            held.push(pending);
          } else {
            refuse(pending, refusal.error);
          }
          continue;
        }
        if (refusal !== undefined) {
          refuse(pending, refusal);
          continue;
        }
      }
      const slot = slotOf(pending);
      const newTopic = topic.stamp !== stamp;
      const newSlot = topic.slotStamps[slot] !== stamp;
      if ((!newSlot && topic.slotClosed[slot]) || (topic.slotHolds.size > 0 && topic.slotHolds.has(slot))) {
        held.push(pending);
        continue;
      }
      const count = newSlot ? 0 : topic.slotCounts[slot]!;
      const before = newSlot ? RECORD_BATCH_OVERHEAD : topic.slotBytes[slot]!;
      const size = recordBytesAt(pending.body, count);
      const after =
        requestBytes + size + (newTopic ? topic.requestBytes : 0) + (newSlot ? PARTITION_ENTRY_BYTES + before : 0);
      if (before + size > facts.maxMessageBytes || after > this.maxRequestBytes) {
        // Too large even alone: the topic's limit shrank since the record was queued.
        const error = newSlot ? oversize(topic, pending, this.maxRequestBytes) : undefined;
        if (error !== undefined) {
          refuse(pending, error);
          continue;
        }
        if (before + size > facts.maxMessageBytes) {
          topic.slotStamps[slot] = stamp;
          topic.slotClosed[slot] = true;
        } else {
          full = true;
        }
        held.push(pending);
        continue;
      }
      if (newTopic) topic.stamp = stamp;
      if (newSlot) {
        topic.slotStamps[slot] = stamp;
        topic.slotClosed[slot] = false;
      }
      topic.slotBytes[slot] = before + size;
      topic.slotCounts[slot] = count + 1;
      requestBytes = after;
      batch.push(pending);
    }
    return { batch, held };
  }

  /**
   * Sets the record's partition: its own, or the partitioner's choice, which must be a partition
   * of the topic. Without the topic's partitions, a record without one is left to the client.
   * A partition number the facts do not list is an {@link UnlistedPartition}: the topic may have
   * grown since.
   */
  private choosePartition(
    topic: TopicState<P>,
    pending: PendingRecord<M, P>,
  ): ProduceError | UnlistedPartition | undefined {
    const facts = topic.facts!;
    const own = pending.message.partition ?? undefined;
    if (facts.partitions === undefined && own === undefined) {
      pending.partition = CLIENT_CHOOSES;
      return undefined;
    }
    let partition: number;
    try {
      partition = this.choose(topic.name, facts, pending.message);
    } catch (error) {
      return new ProduceError({
        topic: topic.name,
        partition: own,
        retriable: false,
        reason: 'record-invalid',
        cause: error,
      });
    }
    const count = facts.partitions?.length;
    const valid = Number.isInteger(partition) && partition >= 0;
    if (!valid || (count !== undefined && partition >= count)) {
      const error = new ProduceError({
        topic: topic.name,
        partition: Number.isInteger(partition) ? partition : undefined,
        retriable: false,
        reason: 'record-invalid',
        cause: new Error(
          `Topic '${topic.name}' has no partition ${String(partition)}` +
            (count === undefined ? '.' : ` (it has ${count}: 0 to ${count - 1}).`),
        ),
      });
      return valid ? new UnlistedPartition(error) : error;
    }
    pending.partition = partition;
    pending.message.partition = partition;
    return undefined;
  }
}

/** A partition number the topic's facts do not list, with the error it fails with if it stays so. */
class UnlistedPartition {
  constructor(readonly error: ProduceError) {}
}
