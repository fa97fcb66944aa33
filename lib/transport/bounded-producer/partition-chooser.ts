import { keyPartition } from '../key-partitioner.js';
import type { ClientMessage, TopicFacts } from './producer-client.js';

/**
 * Picks a record's partition before it is batched, so that batches can be capped per partition.
 * `M` is the client's form of the record, `P` its description of a partition.
 *
 * @internal
 */
export type PartitionChooser<M extends ClientMessage = ClientMessage, P = unknown> = (
  topic: string,
  facts: TopicFacts<P>,
  message: M,
) => number;

/**
 * The choice kafkajs's `DefaultPartitioner` makes (and the Java client's, for keyed records): the
 * record's own partition, else the murmur2 hash of its key modulo the partition count, else round
 * robin over the partitions that have a leader, from a random start per topic. Same answers, with
 * 32-bit arithmetic instead of kafkajs's 64-bit `Long` objects; the same with every client, so a
 * key lands on the same partition whichever transport produced it.
 *
 * @internal
 */
export function defaultPartitionChooser(): <M extends ClientMessage, P>(
  topic: string,
  facts: TopicFacts<P>,
  message: M,
) => number {
  const counters = new Map<string, number>();
  return (topic, facts, message) => {
    if (message.partition !== undefined && message.partition !== null) return message.partition;
    const count = facts.partitions?.length ?? 1;
    if (message.key !== null && message.key !== undefined) {
      const key = Buffer.isBuffer(message.key) ? message.key : Buffer.from(String(message.key));
      return keyPartition(key, count);
    }
    const counter = ((counters.get(topic) ?? Math.floor(Math.random() * 0x100000000)) + 1) | 0;
    counters.set(topic, counter);
    const available = facts.available ?? [];
    if (available.length > 0) return available[(counter & 0x7fffffff) % available.length]!;
    return (counter & 0x7fffffff) % count;
  };
}
