import { expect } from 'chai';
import { int32Header, normaliseHeaders, REPLY_PARTITION_HEADER, REPLY_TOPIC_HEADER } from '../../lib/headers';
import { replyDestination } from '../../lib/responder/reply-records';
import type { ConsumedRecord } from '../../lib/transport/records';

const request = (partition: Buffer | string): ConsumedRecord => ({
  topic: 'requests',
  partition: 0,
  offset: '0',
  key: null,
  value: null,
  headers: normaliseHeaders({ [REPLY_TOPIC_HEADER]: 'replies', [REPLY_PARTITION_HEADER]: partition }),
  timestamp: '0',
});

describe('kafka_replyPartition, as Spring and NestJS write it', () => {
  it("reads Spring's 4-byte big-endian integer", () => {
    expect(replyDestination(request(int32Header(3)), undefined)?.partition).to.equal(3);
  });

  it("reads NestJS ClientKafka's decimal text, including four-digit numbers", () => {
    expect(replyDestination(request('0'), undefined)?.partition).to.equal(0);
    expect(replyDestination(request('12'), undefined)?.partition).to.equal(12);
    expect(replyDestination(request('1234'), undefined)?.partition).to.equal(1234);
  });

  it('ignores anything else: the producer picks the partition', () => {
    expect(replyDestination(request('x1'), undefined)?.partition).to.equal(undefined);
    expect(replyDestination(request(Buffer.from([1, 2])), undefined)?.partition).to.equal(undefined);
  });
});
