import { DecodeFailure } from '../codecs/decode-failure.js';
import { describeContext, quote } from './describe-context.js';
import { ErrorContext, PubScribeError } from './pubscribe-error.js';

/**
 * What a {@link DecodeError} knows about the value it could not decode.
 *
 * @example
 * import { DecodeErrorOptions } from 'pubscribe';
 *
 * const options: DecodeErrorOptions = {
 *   topic: 'users',
 *   offset: '42',
 *   codec: 'User',
 *   issues: ['at .email: expected string, got 42'],
 * };
 *
 * @since 0.1.0
 * @category errors
 */
export interface DecodeErrorOptions extends ErrorContext {
  /** The name of the codec that rejected the value. */
  readonly codec: string;
  /** Why the value was rejected, one readable line per problem. */
  readonly issues: readonly string[];
  /** The start of the raw value, for logs; cut to 64 characters. */
  readonly preview?: string;
}

/** Issues beyond this many are counted, not listed, so one bad batch cannot flood a log line. */
const issuesInMessage = 3;
const previewLength = 64;

/**
 * A record's key, value or header did not match its codec. Not retriable: the same bytes will fail
 * the same way, so fix the producer or the codec.
 *
 * @example
 * import { DecodeError } from 'pubscribe';
 *
 * const error = new DecodeError({
 *   topic: 'users',
 *   partition: 0,
 *   offset: '42',
 *   codec: 'User',
 *   issues: ['at .email: expected string, got 42'],
 * });
 * // error.message: "Could not decode a value on topic 'users' (partition 0, offset 42) with codec 'User': ..."
 *
 * @since 0.1.0
 * @category errors
 */
export class DecodeError extends PubScribeError {
  override readonly kind = 'decode';
  override readonly name = 'DecodeError';
  /** The name of the codec that rejected the value. */
  readonly codec: string;
  /** Why the value was rejected, one readable line per problem. */
  readonly issues: readonly string[];
  /**
   * The first 64 characters of the raw value, for logs. Deliberately kept out of `message`, which
   * often ends up in error trackers, because payloads may hold personal data.
   */
  readonly preview?: string;

  /**
   * @param options The context, the codec's name and its issues.
   */
  constructor(options: DecodeErrorOptions) {
    super(decodeMessage(options), { ...options, retriable: false });
    this.codec = options.codec;
    this.issues = options.issues;
    this.preview = options.preview === undefined ? undefined : [...options.preview].slice(0, previewLength).join('');
  }

  /**
   * Turns a codec's {@link DecodeFailure} into an error, adding where the value came from.
   *
   * @example
   * import { DecodeError, jsonCodec } from 'pubscribe';
   * import * as E from 'fp-ts/lib/Either.js';
   * import * as t from 'io-ts';
   *
   * const result = jsonCodec(t.type({ email: t.string }), 'User').decode(Buffer.from('{"email":42}'));
   * if (E.isLeft(result)) {
   *   throw DecodeError.fromFailure(result.left, { topic: 'users', offset: '42' });
   * }
   *
   * @param failure What the codec reported.
   * @param context Where the value came from; may also carry a `preview` of the raw value.
   * @returns A `DecodeError` carrying both.
   * @since 0.1.0
   */
  static fromFailure(failure: DecodeFailure, context: ErrorContext & { readonly preview?: string }): DecodeError {
    return new DecodeError({ ...context, codec: failure.codec, issues: failure.issues });
  }
}

const decodeMessage = (options: DecodeErrorOptions): string => {
  const listed = options.issues.slice(0, issuesInMessage);
  const more = options.issues.length - listed.length;
  const issues =
    listed.length === 0 ? 'no details given' : `${listed.join('; ')}${more > 0 ? ` (and ${more} more)` : ''}`;
  return (
    `Could not decode a value${describeContext(options)} with codec ${quote(options.codec)}: ${issues}. ` +
    'Retrying will fail the same way: fix the producer, or decode with a codec that matches what it writes.'
  );
};
