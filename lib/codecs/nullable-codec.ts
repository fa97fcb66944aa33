import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import { Codec } from './codec.js';

/**
 * Extends a codec so that a tombstone (`null` bytes) decodes to `null` and encoding `null` produces
 * a tombstone. If the inner codec can itself produce `null` (say `jsonCodec(t.null)`), the two
 * meanings merge: `null` is always written as a tombstone.
 *
 * @example
 * import { nullableCodec, stringCodec } from 'pubscribe';
 *
 * const maybeText = nullableCodec(stringCodec);
 * maybeText.decode(null); // E.right(null)
 * maybeText.encode(null); // null
 * maybeText.decode(Buffer.from('hi')); // E.right('hi')
 *
 * @param codec The codec for non-null values.
 * @returns A codec for the same values or `null`, named `<inner name> | null`; its failures carry that name.
 * @since 0.1.0
 * @category codecs
 */
export const nullableCodec = <A>(codec: Codec<A>): Codec<A | null> => {
  const name = `${codec.name} | null`;
  return {
    name,
    encode: (value) => (value === null ? null : codec.encode(value)),
    // Failures name this codec, so a DecodeError names the codec the caller actually used.
    decode: (bytes) =>
      bytes === null
        ? E.right(null)
        : pipe(
            codec.decode(bytes),
            E.mapLeft((failure) => ({ ...failure, codec: name })),
          ),
  };
};
