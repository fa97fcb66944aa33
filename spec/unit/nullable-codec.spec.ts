import { expect } from 'chai';
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { jsonCodec } from '../../lib/codecs/json-codec';
import { nullableCodec } from '../../lib/codecs/nullable-codec';
import { stringCodec } from '../../lib/codecs/string-codec';

describe('nullableCodec', () => {
  const maybeText = nullableCodec(stringCodec);

  it('decodes a tombstone as null and encodes null as a tombstone', () => {
    expect(maybeText.decode(null)).to.deep.equal(E.right(null));
    expect(maybeText.encode(null)).to.equal(null);
  });

  it('delegates other values to the inner codec', () => {
    expect(maybeText.decode(maybeText.encode('hi'))).to.deep.equal(E.right('hi'));
    expect(maybeText.decode(Buffer.from([0xff]))).to.deep.equal(
      E.left({ codec: 'string | null', issues: ['not valid UTF-8 text'] }),
    );
  });

  it('is named after the inner codec', () => {
    expect(nullableCodec(jsonCodec(t.type({ id: t.number }), 'Order')).name).to.equal('Order | null');
  });
});
