import type { PartitionMetadata } from 'kafkajs';
import type { TopicFactsSource } from '../../lib/transport/bounded-producer/producer-client';
import { DEFAULT_MAX_MESSAGE_BYTES } from '../../lib/transport/record-size';

/** Partition metadata of `count` partitions, each with a leader. */
export function partitionsOf(count: number): PartitionMetadata[] {
  return Array.from({ length: count }, (_, partitionId) => ({
    partitionErrorCode: 0,
    partitionId,
    leader: 0,
    replicas: [0],
    isr: [0],
  }));
}

/**
 * A stand-in for the admin client that learns topic facts: every topic exists with the given
 * partition count and `max.message.bytes` (defaults: 1 partition, Kafka's default limit).
 */
export function factsOf(
  topics: Readonly<Record<string, { partitions?: number; maxMessageBytes?: number }>>,
): TopicFactsSource<PartitionMetadata> & {
  readonly learned: string[];
} {
  const learned: string[] = [];
  return {
    learned,
    learn: async (topic) => {
      learned.push(topic);
      const facts = topics[topic] ?? {};
      const partitions = partitionsOf(facts.partitions ?? 1);
      return {
        found: true,
        complete: true,
        facts: {
          maxMessageBytes: facts.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
          partitions,
          available: partitions.map((partition) => partition.partitionId),
        },
      };
    },
    disconnect: async () => undefined,
  };
}
