import type { ICustomPartitioner, Message, PartitionMetadata } from 'kafkajs';
import type { PartitionChooser } from '../bounded-producer/partition-chooser.js';

/**
 * Asks a kafkajs partitioner the user configured (`producer.createPartitioner`), as kafkajs would.
 *
 * @internal
 */
export function customPartitionChooser(
  createPartitioner: ICustomPartitioner,
): PartitionChooser<Message, PartitionMetadata> {
  const partitioner = createPartitioner();
  return (topic, facts, message) => partitioner({ topic, partitionMetadata: facts.partitions ?? [], message });
}
