import { expect } from 'chai';
import { fetchV17, Reader, ResponseError } from '@platformatic/kafka';
import { decodesTaggedFields, fixTaggedFieldsDecoding } from '../../lib/transport/platformatic/tagged-fields-fix';

const int16 = (value: number) => {
  const bytes = Buffer.alloc(2);
  bytes.writeInt16BE(value);
  return bytes;
};
const int32 = (value: number) => {
  const bytes = Buffer.alloc(4);
  bytes.writeInt32BE(value);
  return bytes;
};
const int64 = (value: bigint) => {
  const bytes = Buffer.alloc(8);
  bytes.writeBigInt64BE(value);
  return bytes;
};
/** Unsigned varints below 128 are one byte. */
const small = (value: number) => Buffer.from([value]);

/** One partition of a Fetch v17 response without records, with the given tagged fields after it. */
function partition(index: number, errorCode: number, highWatermark: bigint, taggedFields: Buffer): Buffer {
  return Buffer.concat([
    int32(index),
    int16(errorCode),
    int64(highWatermark),
    int64(highWatermark),
    int64(0n),
    small(0), // aborted_transactions: null
    int32(-1), // preferred_read_replica
    small(0), // records: null
    taggedFields,
  ]);
}

/**
 * The body of a Fetch v17 response as a broker sends it when it no longer leads partition 0 of a
 * topic (KIP-951: the partition carries its current leader as tagged field 1) and partition 1 is fine.
 */
function notLeaderResponse(): Buffer {
  const currentLeader = Buffer.concat([int32(2), int32(7), small(0)]); // leader 2, epoch 7, no tags
  return Buffer.concat([
    int32(0), // throttle_time_ms
    int16(0), // error_code
    int32(0), // session_id
    small(2), // one topic
    Buffer.alloc(16, 0xab), // topic_id
    small(3), // two partitions
    partition(0, 6, -1n, Buffer.concat([small(1), small(1), small(currentLeader.length), currentLeader])),
    partition(1, 0, 42n, small(0)),
    small(0), // the topic's tagged fields
    small(0), // the response's tagged fields
  ]);
}

describe('platformatic tagged fields (KIP-482) decoding', () => {
  before(() => {
    fixTaggedFieldsDecoding();
  });

  it('skips every tagged field, whatever their count', () => {
    expect(decodesTaggedFields()).to.equal(true);
    const reader = Reader.from(
      Buffer.concat([small(2), small(0), small(1), small(0x11), small(3), small(2), Buffer.from([1, 2]), small(0x7f)]),
    );
    reader.readTaggedFields();
    expect(reader.readInt8()).to.equal(0x7f);
  });

  it("a partition's CurrentLeader field no longer hides NOT_LEADER_OR_FOLLOWER behind an OutOfBoundsError", () => {
    let failure: unknown;
    try {
      fetchV17.parseResponse(1, 1, 17, Reader.from(notLeaderResponse()));
    } catch (error) {
      failure = error;
    }
    expect(failure).to.be.instanceOf(ResponseError);
    const error = failure as ResponseError & { errors: { apiId?: string }[]; response: fetchV17.FetchResponse };
    expect(error.errors.map((entry) => entry.apiId)).to.deep.equal(['NOT_LEADER_OR_FOLLOWER']);
    const [topic] = error.response.responses;
    expect(topic?.partitions.map((entry) => [entry.partitionIndex, entry.highWatermark])).to.deep.equal([
      [0, -1n],
      [1, 42n],
    ]);
  });

  it('is installed once: a second call leaves the decoder alone', () => {
    const installed = Reader.prototype.readTaggedFields;
    expect(fixTaggedFieldsDecoding()).to.equal(false);
    expect(Reader.prototype.readTaggedFields).to.equal(installed);
  });
});
