import { expect } from 'chai';
import * as fc from 'fast-check';
import { Partitioners, type PartitionMetadata } from 'kafkajs';
import { defaultPartitionChooser } from '../../lib/transport/bounded-producer/partition-chooser';
import {
  RECORD_BATCH_OVERHEAD,
  recordBatchBytes,
  recordBodyBytes,
  recordBytesAt,
  varintBytes,
} from '../../lib/transport/record-size';
import type { OutgoingRecord } from '../../lib/transport/records';
import { partitionsOf } from '../support/held-producer';

// kafkajs's own encoder, the bytes that go on the wire: the reference the estimate must match.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0') as {
  RecordBatch: (batch: { records: unknown[] }) => Promise<{ size(): number }>;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Record = require('kafkajs/src/protocol/recordBatch/record/v0') as (record: object) => unknown;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Encoder = require('kafkajs/src/protocol/encoder') as { sizeOfVarInt(value: number): number };

/** The size of the record batch kafkajs encodes for `records` (one partition of a produce request). */
async function encodedBatchBytes(records: readonly OutgoingRecord[]): Promise<number> {
  const encoded = records.map((record, index) =>
    Record({ key: record.key, value: record.value, headers: record.headers, offsetDelta: index, timestampDelta: 0 }),
  );
  return (await RecordBatch({ records: encoded })).size();
}

const bytesOrString = (maxLength: number) =>
  fc.oneof(
    fc.string({ unit: 'grapheme', maxLength }),
    fc.string({ unit: 'binary', maxLength }),
    fc.uint8Array({ maxLength }).map((bytes) => Buffer.from(bytes)),
  );

const recordArbitrary: fc.Arbitrary<OutgoingRecord> = fc.record({
  topic: fc.constant('t'),
  key: fc.option(bytesOrString(40), { nil: null }),
  value: fc.oneof(
    fc.constant(null),
    bytesOrString(300),
    fc.integer({ min: 0, max: 20_000 }).map((length) => 'v'.repeat(length)),
  ),
  headers: fc.dictionary(fc.string({ unit: 'grapheme', maxLength: 20 }), bytesOrString(60), { maxKeys: 5 }),
});

describe('record size estimate (Kafka v2 record format)', () => {
  it("matches kafkajs's varint sizes, zigzag included", () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), (value) => {
        expect(varintBytes(value)).to.equal(Encoder.sizeOfVarInt(value));
      }),
      { numRuns: 2000 },
    );
    for (const value of [-1, 0, 63, 64, 8191, 8192, 1_048_575, 1_048_576]) {
      expect(varintBytes(value), String(value)).to.equal(Encoder.sizeOfVarInt(value));
    }
  });

  it("a record alone: exactly the size of kafkajs's encoded record batch", async () => {
    await fc.assert(
      fc.asyncProperty(recordArbitrary, async (record) => {
        expect(recordBatchBytes(record)).to.equal(await encodedBatchBytes([record]));
      }),
      { numRuns: 300 },
    );
  });

  it("a batch of records: the batch header plus each record at its offset delta is exactly kafkajs's size", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(recordArbitrary, { minLength: 1, maxLength: 80 }), async (records) => {
        const estimate = records.reduce(
          (sum, record, index) => sum + recordBytesAt(recordBodyBytes(record), index),
          RECORD_BATCH_OVERHEAD,
        );
        expect(estimate).to.equal(await encodedBatchBytes(records));
      }),
      { numRuns: 100 },
    );
  });

  it('offset deltas past 63 and 8191 take more bytes, as in kafkajs', async () => {
    const records = Array.from({ length: 9000 }, (): OutgoingRecord => ({ topic: 't', value: 'x' }));
    const estimate = records.reduce(
      (sum, record, index) => sum + recordBytesAt(recordBodyBytes(record), index),
      RECORD_BATCH_OVERHEAD,
    );
    expect(estimate).to.equal(await encodedBatchBytes(records));
  });

  it('measures without encoding, and refuses what kafkajs could not encode with a TypeError', () => {
    expect(recordBatchBytes({ topic: 't', key: null, value: null })).to.equal(RECORD_BATCH_OVERHEAD + 7);
    const bad = [
      { topic: 't', value: 42 },
      { topic: 't', key: {}, value: 'x' },
      { topic: 't', value: 'x', headers: { h: null } },
    ] as unknown as OutgoingRecord[];
    for (const record of bad) expect(() => recordBatchBytes(record)).to.throw(TypeError);
  });
});

describe('partition choice before batching', () => {
  it("picks the partition kafkajs's DefaultPartitioner would pick for a keyed record", () => {
    const kafkajsPartitioner = Partitioners.DefaultPartitioner();
    const choose = defaultPartitionChooser();
    fc.assert(
      fc.property(bytesOrString(64), fc.integer({ min: 1, max: 200 }), (key, count) => {
        const partitionMetadata: PartitionMetadata[] = partitionsOf(count);
        const facts = {
          maxMessageBytes: 1,
          partitions: partitionMetadata,
          available: partitionMetadata.map((p) => p.partitionId),
        };
        const message = { key, value: 'v' };
        expect(choose('t', facts, message)).to.equal(kafkajsPartitioner({ topic: 't', partitionMetadata, message }));
      }),
      { numRuns: 1000 },
    );
  });

  it('keeps a record its own partition, and spreads records without a key over the partitions with a leader', () => {
    const choose = defaultPartitionChooser();
    const partitions = partitionsOf(4);
    partitions[2] = { ...partitions[2]!, leader: -1 };
    const facts = { maxMessageBytes: 1, partitions, available: [0, 1, 3] };
    expect(choose('t', facts, { value: 'v', partition: 2 })).to.equal(2);
    const seen = new Set(Array.from({ length: 30 }, () => choose('t', facts, { value: 'v' })));
    expect([...seen].sort()).to.deep.equal([0, 1, 3]);
  });
});
