import { describeContext } from './describe-context.js';
import { ErrorContext, PubScribeError } from './pubscribe-error.js';

/**
 * What a {@link ClosedError} knows about the closed resource.
 *
 * @example
 * import { ClosedErrorOptions } from 'pubscribe';
 *
 * const options: ClosedErrorOptions = { what: 'transport' };
 *
 * @since 0.1.0
 * @category errors
 */
export interface ClosedErrorOptions extends ErrorContext {
  /** What was closed, as a bare noun such as `transport` or `request client`. */
  readonly what: string;
}

/**
 * Something was used after it was closed, or was closed while a request waited on it. Not
 * retriable: a closed client stays closed.
 *
 * @example
 * import { ClosedError } from 'pubscribe';
 *
 * const error = new ClosedError({ what: 'transport', topic: 'create-user' });
 * // error.message: "Cannot use the transport on topic 'create-user': it has been closed. ..."
 *
 * @since 0.1.0
 * @category errors
 */
export class ClosedError extends PubScribeError {
  override readonly kind = 'closed';
  override readonly name = 'ClosedError';
  /** What was closed. */
  readonly what: string;

  /**
   * @param options The context and what was closed.
   */
  constructor(options: ClosedErrorOptions) {
    super(
      `Cannot use the ${options.what}${describeContext(options)}: it has been closed. ` +
        `A closed ${options.what} cannot be reopened: create a new one, and close it only once nothing uses it.`,
      { ...options, retriable: false },
    );
    this.what = options.what;
  }
}
