import type { ICustomPartitioner, Message } from 'kafkajs';
import { keyPartition } from '../key-partitioner.js';
import type { TopicFacts } from './topic-catalog.js';

/**
 * Picks a record's partition before it is batched, so that batches can be capped per partition.
 *
 * @internal
 */
export type PartitionChooser = (topic: string, facts: TopicFacts, message: Message) => number;

/**
 * The choice kafkajs's `DefaultPartitioner` makes (and the Java client's, for keyed records): the
 * record's own partition, else the murmur2 hash of its key modulo the partition count, else round
 * robin over the partitions that have a leader, from a random start per topic. Same answers, with
 * 32-bit arithmetic instead of kafkajs's 64-bit `Long` objects.
 *
 * @internal
 */
export function defaultPartitionChooser(): PartitionChooser {
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

/**
 * Asks a kafkajs partitioner the user configured (`producer.createPartitioner`), as kafkajs would.
 *
 * @internal
 */
export function customPartitionChooser(createPartitioner: ICustomPartitioner): PartitionChooser {
  const partitioner = createPartitioner();
  return (topic, facts, message) => partitioner({ topic, partitionMetadata: facts.partitions ?? [], message });
}
