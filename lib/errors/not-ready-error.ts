import { describeContext, describeElapsed } from './describe-context.js';
import { ErrorContext, PubScribeError } from './pubscribe-error.js';

/**
 * A request was attempted before the reply consumer was assigned its partitions. Sending then could
 * lose the reply, so pubscribe refuses instead. Retriable: readiness usually follows within seconds.
 *
 * @example
 * import { NotReadyError } from 'pubscribe';
 *
 * const error = new NotReadyError({ topic: 'create-user-replies', elapsedMs: 10000 });
 * // error.retriable === true
 *
 * @since 0.1.0
 * @category errors
 */
export class NotReadyError extends PubScribeError {
  override readonly kind = 'not-ready';
  override readonly name = 'NotReadyError';

  /**
   * @param options Where the client was not ready, and for how long it waited.
   */
  constructor(options: ErrorContext = {}) {
    super(
      `Not ready to send${describeContext(options)}${describeElapsed(options)}: the reply consumer has not been ` +
        'assigned its partitions yet, so a reply could be missed. Wait until the client is ready, then retry.',
      { ...options, retriable: true },
    );
  }
}
