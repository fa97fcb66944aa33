import { describeContext, describeElapsed } from './describe-context.js';
import { ErrorContext, PubScribeError, errorBrand } from './pubscribe-error.js';

/**
 * What the message says about the cause: a pubscribe error's own message (built to hold no
 * secrets), only the name of anything else.
 */
function describeCause(cause: unknown): string {
  if (!(cause instanceof Error)) return '';
  const detail = errorBrand in cause ? `: ${cause.message}` : '';
  return ` The Kafka client's last failure (see \`cause\`): ${cause.name}${detail}`;
}

/**
 * A request was attempted before the reply consumer was assigned its partitions. Sending then could
 * lose the reply, so pubscribe refuses instead. Retriable: readiness usually follows within seconds.
 * When the Kafka client reported a failure meanwhile (a broker it cannot reach, say), that failure
 * is the `cause` and the message names it.
 *
 * @example
 * import { ConnectionError, NotReadyError } from 'pubscribe';
 *
 * const error = new NotReadyError({
 *   topic: 'create-user-replies',
 *   elapsedMs: 5000,
 *   cause: new ConnectionError({ reason: 'network', what: 'connect' }),
 * });
 * // error.retriable === true
 * // error.message ends "The Kafka client's last failure (see `cause`): ConnectionError: Kafka connection failed ..."
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
        'assigned its partitions yet, so a reply could be missed. Wait until the client is ready ' +
        '(`requester.warmUp()` emits then), then retry.' +
        describeCause(options.cause),
      { ...options, retriable: true },
    );
  }
}
