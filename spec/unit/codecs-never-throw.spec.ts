import { expect } from 'chai';
import { randomBytes, randomInt } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { bytesCodec } from '../../lib/codecs/bytes-codec';
import { Codec } from '../../lib/codecs/codec';
import { jsonCodec } from '../../lib/codecs/json-codec';
import { nullableCodec } from '../../lib/codecs/nullable-codec';
import { stringCodec } from '../../lib/codecs/string-codec';

const codecs: readonly Codec<unknown>[] = [
  jsonCodec(t.type({ name: t.string, tags: t.array(t.union([t.string, t.null])) }), 'Tagged'),
  jsonCodec(t.unknown, 'AnyJson'),
  stringCodec,
  bytesCodec,
  nullableCodec(stringCodec),
];

describe('every codec, given random bytes', () => {
  it('returns an Either and never throws, for 2,000 random buffers', () => {
    for (let i = 0; i < 2000; i++) {
      // Mostly short buffers, where valid-looking prefixes are likeliest, plus some longer ones.
      const bytes = randomBytes(i % 10 === 0 ? randomInt(1, 4096) : randomInt(0, 32));
      for (const codec of codecs) {
        const result = codec.decode(bytes);
        expect(E.isLeft(result) || E.isRight(result)).to.equal(true);
        if (E.isLeft(result)) {
          expect(result.left.codec).to.equal(codec.name);
          expect(result.left.issues.length).to.be.greaterThan(0);
          for (const issue of result.left.issues) {
            expect(issue).to.be.a('string').and.not.equal('');
          }
        }
      }
    }
  });

  it('gives readable failures for random bytes that happen to be JSON of the wrong shape', () => {
    const tagged = codecs[0];
    for (const text of ['0', '"x"', '[]', '{"name":1}', '{"name":"a","tags":[1]}', 'null', 'true']) {
      const result = tagged.decode(Buffer.from(text));
      expect(E.isLeft(result) && result.left.issues.every((issue) => issue.startsWith('at '))).to.equal(true);
    }
  });
});
