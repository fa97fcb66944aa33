import { expect } from 'chai';
import { KafkaJSNumberOfRetriesExceeded, Partitioners, type PartitionMetadata } from 'kafkajs';
import { sendFailure } from '../../lib/transport/kafkajs/kafkajs-errors';
import { knownPartitionsOnly, PartitionNotInMetadata } from '../../lib/transport/kafkajs/known-partitions-only';

const metadata = (count: number): PartitionMetadata[] =>
  Array.from({ length: count }, (_, partitionId) => ({
    partitionErrorCode: 0,
    partitionId,
    leader: 0,
    replicas: [0],
    isr: [0],
  }));

describe('knownPartitionsOnly (kafkajs partitioner wrapper)', () => {
  // kafkajs 2.2.4 drops, without an error, the records of a partition its metadata does not list.
  const partitioner = knownPartitionsOnly(Partitioners.DefaultPartitioner)();

  it('a record whose partition the metadata lists keeps it', () => {
    expect(partitioner({ topic: 't', partitionMetadata: metadata(4), message: { value: 'v', partition: 3 } })).to.equal(
      3,
    );
  });

  it('a record without a partition goes to the wrapped partitioner', () => {
    const chosen = partitioner({ topic: 't', partitionMetadata: metadata(4), message: { key: 'k', value: 'v' } });
    expect(chosen).to.be.within(0, 3);
  });

  it('a partition the metadata does not list fails the send, as a failure the transport retries', () => {
    let thrown: unknown;
    try {
      partitioner({ topic: 't', partitionMetadata: metadata(8), message: { value: 'v', partition: 9 } });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).to.be.instanceOf(PartitionNotInMetadata);
    // kafkajs's send loop fetches metadata again on this name, then gives up (its retries are off).
    expect(thrown).to.include({ name: 'KafkaJSMetadataNotLoaded', topic: 't', partition: 9 });
    expect((thrown as Error).message).to.contain("lists 8 partitions of topic 't', not partition 9");
    expect(sendFailure(new KafkaJSNumberOfRetriesExceeded(thrown as Error, { retryCount: 0, retryTime: 0 }))).to.equal(
      'retriable',
    );
  });
});
