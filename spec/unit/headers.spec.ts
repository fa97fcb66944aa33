import { expect } from 'chai';
import * as O from 'fp-ts/lib/Option.js';
import {
  CORRELATION_ID_HEADER,
  DEADLINE_HEADER,
  headerBytes,
  headerInt32,
  headerString,
  int32Header,
  NEST_DISPOSED_HEADER,
  NEST_ERROR_HEADER,
  normaliseHeaders,
  REPLY_PARTITION_HEADER,
  REPLY_TOPIC_HEADER,
  TRACEPARENT_HEADER,
} from '../../lib/headers';

describe('header names', () => {
  it("match Spring for Apache Kafka's and NestJS's", () => {
    expect([CORRELATION_ID_HEADER, REPLY_TOPIC_HEADER, REPLY_PARTITION_HEADER]).to.deep.equal([
      'kafka_correlationId',
      'kafka_replyTopic',
      'kafka_replyPartition',
    ]);
    expect([NEST_ERROR_HEADER, NEST_DISPOSED_HEADER]).to.deep.equal(['kafka_nest-err', 'kafka_nest-is-disposed']);
    expect([DEADLINE_HEADER, TRACEPARENT_HEADER]).to.deep.equal(['pubscribe_deadline', 'traceparent']);
  });
});

describe('normaliseHeaders', () => {
  it('turns strings into UTF-8 Buffers and keeps Buffers as they are', () => {
    const id = Buffer.from([0, 1, 2]);
    const headers = normaliseHeaders({ a: 'é', [CORRELATION_ID_HEADER]: id });
    expect(headers.a).to.deep.equal(Buffer.from([0xc3, 0xa9]));
    expect(headers[CORRELATION_ID_HEADER]).to.equal(id);
  });

  it('keeps the last value of a repeated header and drops missing values', () => {
    const headers = normaliseHeaders({ t: ['first', Buffer.from('second'), 'last'], gone: undefined, empty: [] });
    expect(headers).to.deep.equal({ t: Buffer.from('last') });
  });

  it('gives no headers for a record without any', () => {
    expect(normaliseHeaders(undefined)).to.deep.equal({});
  });

  it('treats a header named __proto__ as an ordinary header', () => {
    const raw = JSON.parse('{"__proto__": "x"}');
    const headers = normaliseHeaders(raw);
    expect(Object.getPrototypeOf(headers)).to.equal(Object.prototype);
    expect(headerString(headers, '__proto__')).to.deep.equal(O.some('x'));
  });
});

describe('header readers', () => {
  const headers = normaliseHeaders({
    [REPLY_TOPIC_HEADER]: 'replies',
    [REPLY_PARTITION_HEADER]: int32Header(7),
    [CORRELATION_ID_HEADER]: Buffer.from([0xff, 0xfe, 0x00]),
    empty: '',
    short: Buffer.from([0, 1]),
  });

  it('headerBytes returns the raw bytes, or none when absent', () => {
    expect(headerBytes(headers, CORRELATION_ID_HEADER)).to.deep.equal(O.some(Buffer.from([0xff, 0xfe, 0x00])));
    expect(headerBytes(headers, 'missing')).to.deep.equal(O.none);
  });

  it('never answers for properties every object inherits', () => {
    expect(headerBytes(headers, 'toString')).to.deep.equal(O.none);
    expect(headerString(headers, 'constructor')).to.deep.equal(O.none);
  });

  it('headerString decodes UTF-8, including the empty string', () => {
    expect(headerString(headers, REPLY_TOPIC_HEADER)).to.deep.equal(O.some('replies'));
    expect(headerString(headers, 'empty')).to.deep.equal(O.some(''));
    expect(headerString(headers, 'missing')).to.deep.equal(O.none);
  });

  it('headerString gives none for binary values that are not UTF-8', () => {
    expect(headerString(headers, CORRELATION_ID_HEADER)).to.deep.equal(O.none);
  });

  it('headerInt32 reads 4-byte big-endian integers and nothing else', () => {
    expect(headerInt32(headers, REPLY_PARTITION_HEADER)).to.deep.equal(O.some(7));
    expect(headerInt32(headers, 'short')).to.deep.equal(O.none);
    expect(headerInt32(headers, REPLY_TOPIC_HEADER)).to.deep.equal(O.none);
    expect(headerInt32(headers, 'missing')).to.deep.equal(O.none);
  });
});

describe('int32Header', () => {
  it('writes 4 bytes big-endian, as Spring does for kafka_replyPartition', () => {
    expect(int32Header(3)).to.deep.equal(Buffer.from([0, 0, 0, 3]));
    expect(int32Header(-1)).to.deep.equal(Buffer.from([0xff, 0xff, 0xff, 0xff]));
    expect(int32Header(0x01020304)).to.deep.equal(Buffer.from([1, 2, 3, 4]));
  });

  it('round-trips through headerInt32 at the edges of the range', () => {
    for (const n of [0, 1, -1, 2147483647, -2147483648]) {
      expect(headerInt32({ p: int32Header(n) }, 'p')).to.deep.equal(O.some(n));
    }
  });

  it('throws a RangeError for numbers that do not fit, instead of truncating', () => {
    for (const n of [1.5, 2147483648, -2147483649, NaN, Infinity]) {
      expect(() => int32Header(n)).to.throw(RangeError);
    }
  });
});
