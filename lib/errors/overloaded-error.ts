import { describeContext } from './describe-context.js';
import { ErrorContext, PubScribeError } from './pubscribe-error.js';

/**
 * What an {@link OverloadedError} knows about the limit that was hit.
 *
 * @example
 * import { OverloadedErrorOptions } from 'pubscribe';
 *
 * const options: OverloadedErrorOptions = { topic: 'create-user', limit: 100, inFlight: 100 };
 *
 * @since 0.1.0
 * @category errors
 */
export interface OverloadedErrorOptions extends ErrorContext {
  /** The most requests allowed to wait for replies at once. */
  readonly limit: number;
  /** How many were waiting when this request was refused. */
  readonly inFlight: number;
}

/**
 * Too many requests are already waiting for replies, so this one was refused rather than queued
 * without bound. Retriable: capacity frees up as replies arrive.
 *
 * @example
 * import { OverloadedError } from 'pubscribe';
 *
 * const error = new OverloadedError({ topic: 'create-user', limit: 100, inFlight: 100 });
 * // error.message: "Too many requests in flight on topic 'create-user': 100, and at most 100 are allowed. ..."
 *
 * @since 0.1.0
 * @category errors
 */
export class OverloadedError extends PubScribeError {
  override readonly kind = 'overloaded';
  override readonly name = 'OverloadedError';
  /** The most requests allowed to wait for replies at once. */
  readonly limit: number;
  /** How many were waiting when this request was refused. */
  readonly inFlight: number;

  /**
   * @param options The context, the limit and how many requests were in flight.
   */
  constructor(options: OverloadedErrorOptions) {
    super(
      `Too many requests in flight${describeContext(options)}: ${options.inFlight}, and at most ${options.limit} ` +
        'are allowed. Retry after some replies arrive, or raise `maxInFlight`.',
      { ...options, retriable: true },
    );
    this.limit = options.limit;
    this.inFlight = options.inFlight;
  }
}
