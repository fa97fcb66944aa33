import { Either } from 'fp-ts/lib/Either.js';
import { DecodeFailure } from './decode-failure.js';

/**
 * Turns values into Kafka record bytes and back. `decode` is total: whatever arrives off the wire
 * (a tombstone, an empty value, random bytes) it returns a `Left` rather than throwing, so one bad
 * record cannot break a consumer.
 *
 * @example
 * import { Codec, DecodeFailure } from 'pubscribe';
 * import * as E from 'fp-ts/Either';
 *
 * const integerCodec: Codec<number> = {
 *   name: 'integer',
 *   encode: (value) => Buffer.from(String(value), 'utf8'),
 *   decode: (bytes): E.Either<DecodeFailure, number> => {
 *     const n = bytes === null ? NaN : Number(bytes.toString('utf8'));
 *     return Number.isInteger(n) ? E.right(n) : E.left({ codec: 'integer', issues: ['not an integer'] });
 *   },
 * };
 *
 * @since 0.1.0
 * @category codecs
 */
export interface Codec<A> {
  /** Names the codec in decode failures. */
  readonly name: string;
  /**
   * Encodes a value as record bytes.
   *
   * @param value The value to encode.
   * @returns The bytes, or `null` for a tombstone (only codecs that allow `null` return it).
   */
  encode(value: A): Buffer | null;
  /**
   * Decodes record bytes. Never throws.
   *
   * @param bytes The record's bytes; `null` for a tombstone.
   * @returns The value, or why it could not be decoded.
   */
  decode(bytes: Buffer | null): Either<DecodeFailure, A>;
}
