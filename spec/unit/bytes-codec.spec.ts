import { expect } from 'chai';
import * as E from 'fp-ts/lib/Either.js';
import { bytesCodec } from '../../lib/codecs/bytes-codec';

describe('bytesCodec', () => {
  it('passes bytes through both ways, without copying on decode', () => {
    const bytes = Buffer.from([0xca, 0xfe, 0x00, 0xff]);
    expect(bytesCodec.encode(bytes)).to.equal(bytes);
    const decoded = bytesCodec.decode(bytes);
    expect(E.isRight(decoded) && decoded.right).to.equal(bytes);
  });

  it('accepts an empty value', () => {
    expect(bytesCodec.decode(Buffer.alloc(0))).to.deep.equal(E.right(Buffer.alloc(0)));
  });

  it('reports a tombstone', () => {
    expect(bytesCodec.decode(null)).to.deep.equal(E.left({ codec: 'bytes', issues: ['value is null (a tombstone?)'] }));
  });

  it('returns a Buffer view for a plain Uint8Array', () => {
    const view = new Uint8Array([1, 2, 3, 4]).subarray(1, 3);
    const decodeUntyped: (bytes: unknown) => E.Either<unknown, Buffer> = (bytes) =>
      Reflect.apply(bytesCodec.decode, bytesCodec, [bytes]);
    const decoded = decodeUntyped(view);
    expect(E.isRight(decoded) && Buffer.isBuffer(decoded.right)).to.equal(true);
    expect(decoded).to.deep.equal(E.right(Buffer.from([2, 3])));
  });
});
