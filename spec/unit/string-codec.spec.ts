import { expect } from 'chai';
import * as E from 'fp-ts/lib/Either.js';
import { stringCodec } from '../../lib/codecs/string-codec';

describe('stringCodec', () => {
  it('round-trips text, including non-ASCII, emoji and a leading byte order mark', () => {
    for (const text of ['hello', 'héllo wörld', 'snow ☃ and 🐙', '\uFEFFbom first', 'line\nbreak']) {
      expect(stringCodec.decode(stringCodec.encode(text))).to.deep.equal(E.right(text));
    }
  });

  it('encodes as UTF-8', () => {
    expect(stringCodec.encode('é')).to.deep.equal(Buffer.from([0xc3, 0xa9]));
  });

  it('accepts the empty string', () => {
    expect(stringCodec.decode(Buffer.alloc(0))).to.deep.equal(E.right(''));
  });

  it('reports a tombstone', () => {
    expect(stringCodec.decode(null)).to.deep.equal(
      E.left({ codec: 'string', issues: ['value is null (a tombstone?)'] }),
    );
  });

  it('reports invalid UTF-8 rather than decoding it as replacement characters', () => {
    expect(stringCodec.decode(Buffer.from([0x61, 0xc3]))).to.deep.equal(
      E.left({ codec: 'string', issues: ['not valid UTF-8 text'] }),
    );
  });

  it('decodes a plain Uint8Array too, and reports anything else that is not bytes', () => {
    const decodeUntyped: (bytes: unknown) => E.Either<unknown, string> = (bytes) =>
      Reflect.apply(stringCodec.decode, stringCodec, [bytes]);
    expect(decodeUntyped(new Uint8Array([0x68, 0x69]))).to.deep.equal(E.right('hi'));
    expect(decodeUntyped('hi')).to.deep.equal(E.left({ codec: 'string', issues: ['value is not bytes (got string)'] }));
  });
});
