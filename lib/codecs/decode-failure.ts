/**
 * Why a codec could not decode a value. A plain value rather than an `Error`, so decoding stays
 * pure; turn it into a `DecodeError` (with the record's topic and offset) where that is known.
 *
 * @example
 * import { DecodeFailure } from 'pubscribe';
 *
 * const failure: DecodeFailure = { codec: 'User', issues: ['at .email: expected string, got 42'] };
 *
 * @since 0.1.0
 * @category codecs
 */
export interface DecodeFailure {
  /** The name of the codec that rejected the value. */
  readonly codec: string;
  /** Why, one readable line per problem. */
  readonly issues: readonly string[];
}

/**
 * Builds a {@link DecodeFailure}.
 *
 * @example
 * import { decodeFailure } from 'pubscribe';
 *
 * const failure = decodeFailure('User', ['value is empty']);
 *
 * @param codec The name of the codec that rejected the value.
 * @param issues Why, one readable line per problem.
 * @returns The failure.
 * @since 0.1.0
 * @category codecs
 */
export const decodeFailure = (codec: string, issues: readonly string[]): DecodeFailure => ({ codec, issues });
