import { expect } from 'chai';
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { jsonCodec } from '../../lib/codecs';
import { nestValueCodec } from '../../lib/nest/nest-value-codec';
import { codecsOf, patternCodecs } from '../../lib/nest/pattern-codecs';

const text = (bytes: Buffer | null) => bytes?.toString('utf8') ?? null;

describe('nestValueCodec: the bytes NestJS puts on the wire', () => {
  it("decodes as Nest's KafkaParser: JSON objects and arrays parsed, anything else as text", () => {
    expect(nestValueCodec.decode(Buffer.from('{"n":1}'))).to.deep.equal(E.right({ n: 1 }));
    expect(nestValueCodec.decode(Buffer.from('[1,2]'))).to.deep.equal(E.right([1, 2]));
    expect(nestValueCodec.decode(Buffer.from('42'))).to.deep.equal(E.right('42'));
    expect(nestValueCodec.decode(Buffer.from('"quoted"'))).to.deep.equal(E.right('"quoted"'));
    expect(nestValueCodec.decode(Buffer.from('{not json'))).to.deep.equal(E.right('{not json'));
    expect(nestValueCodec.decode(null)).to.deep.equal(E.right(null));
  });

  it('keeps a value with a leading zero byte (a schema-registry payload) as bytes', () => {
    const framed = Buffer.from([0, 0, 0, 0, 7, 1]);
    expect(nestValueCodec.decode(framed)).to.deep.equal(E.right(framed));
  });

  it("encodes as Nest's KafkaRequestSerializer: objects as JSON, text as is, null as a tombstone", () => {
    expect(text(nestValueCodec.encode({ n: 1 }))).to.equal('{"n":1}');
    expect(text(nestValueCodec.encode([1, 2]))).to.equal('[1,2]');
    expect(text(nestValueCodec.encode('plain'))).to.equal('plain');
    expect(text(nestValueCodec.encode(42))).to.equal('42');
    expect(text(nestValueCodec.encode(true))).to.equal('true');
    expect(nestValueCodec.encode(null)).to.equal(null);
    expect(nestValueCodec.encode(undefined)).to.equal(null);
    expect(nestValueCodec.encode(Buffer.from([1, 2]))).to.deep.equal(Buffer.from([1, 2]));
  });

  it("encodes a { key, value, headers } message as its value, as Nest's serializer does", () => {
    expect(text(nestValueCodec.encode({ key: 'k', value: { n: 1 }, headers: {} }))).to.equal('{"n":1}');
    expect(nestValueCodec.encode({ key: 'k' })).to.equal(null);
  });
});

describe('patternCodecs', () => {
  it('carries codecs through @MessagePattern extras, and ignores anything that is not a codec', () => {
    const codec = jsonCodec(t.type({ n: t.number }));
    expect(codecsOf(patternCodecs({ requestCodec: codec }))).to.deep.equal({
      requestCodec: codec,
      replyCodec: undefined,
    });
    expect(codecsOf({ 'pubscribe:codecs': { requestCodec: 'nope' } })).to.deep.equal({
      requestCodec: undefined,
      replyCodec: undefined,
    });
    expect(codecsOf(undefined)).to.deep.equal({});
  });
});
