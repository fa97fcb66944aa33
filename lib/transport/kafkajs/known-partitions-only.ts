import type { ICustomPartitioner } from 'kafkajs';

/**
 * What a kafkajs producer throws, from its partitioner, for a record whose partition its cached
 * metadata does not list yet. Named as kafkajs's own `KafkaJSMetadataNotLoaded`, which its send
 * loop answers by fetching the metadata again; retriable, so the transport sends the record again
 * after a back-off, within its deadline.
 *
 * @internal
 */
export class PartitionNotInMetadata extends Error {
  override readonly name = 'KafkaJSMetadataNotLoaded';
  readonly retriable = true;

  constructor(
    readonly topic: string,
    readonly partition: number,
    known: number,
  ) {
    super(
      `The producer's metadata lists ${known} partitions of topic '${topic}', not partition ${partition}: ` +
        'the topic has grown since it was fetched. It is fetched again and the record sent again.',
    );
  }
}

/**
 * Wraps the partitioner a kafkajs producer runs, so that a record whose partition is set but not
 * in the producer's cached metadata fails the send instead of vanishing. kafkajs 2.2.4 groups a
 * send's records by partition and sends each group to its partition's leader; a partition its
 * metadata does not list has no leader there, so its records are dropped from the request and the
 * send still resolves, without an error and without them. That happens when partitions are added
 * to a topic: the transport learns them (its own lookup), names them, and kafkajs's metadata is
 * up to `metadataMaxAge` old. Records without a partition go to the wrapped partitioner unchanged.
 *
 * @internal
 */
export function knownPartitionsOnly(createPartitioner: ICustomPartitioner): ICustomPartitioner {
  return () => {
    const partitioner = createPartitioner();
    return (args) => {
      const own = args.message.partition;
      if (typeof own === 'number' && !lists(args.partitionMetadata, own)) {
        throw new PartitionNotInMetadata(args.topic, own, args.partitionMetadata.length);
      }
      return partitioner(args);
    };
  };
}

/** Whether the metadata lists the partition: usually at its own index, else anywhere. */
function lists(metadata: readonly { readonly partitionId: number }[], partition: number): boolean {
  return metadata[partition]?.partitionId === partition || metadata.some((entry) => entry.partitionId === partition);
}
