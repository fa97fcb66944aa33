import { describeContext, describeElapsed } from './describe-context.js';
import { ErrorContext, PubScribeError } from './pubscribe-error.js';

/**
 * What a {@link ProduceError} knows about the failed send.
 *
 * @example
 * import { ProduceErrorOptions } from 'pubscribe';
 *
 * const options: ProduceErrorOptions = { topic: 'create-user', retriable: false };
 *
 * @since 0.1.0
 * @category errors
 */
export interface ProduceErrorOptions extends ErrorContext {
  /** Whether sending again may succeed; defaults to `true`, as most broker refusals are transient. */
  readonly retriable?: boolean;
}

/**
 * Kafka did not accept a record: the request (or reply) was not written. Put the client's own
 * error in `cause`; the message never repeats it, so nothing the client printed leaks further.
 *
 * @example
 * import { ProduceError } from 'pubscribe';
 *
 * const error = new ProduceError({
 *   topic: 'create-user',
 *   correlationId: 'abc',
 *   cause: new Error('There is no leader for this topic-partition'),
 * });
 * // error.retriable === true
 *
 * @since 0.1.0
 * @category errors
 */
export class ProduceError extends PubScribeError {
  override readonly kind = 'produce';
  override readonly name = 'ProduceError';

  /**
   * @param options The context, the client's error as `cause`, and whether retrying may help.
   */
  constructor(options: ProduceErrorOptions) {
    const retriable = options.retriable ?? true;
    super(produceMessage(options, retriable), { ...options, retriable });
  }
}

const produceMessage = (context: ErrorContext, retriable: boolean): string =>
  `Could not produce${describeContext(context)}${describeElapsed(context)}; see \`cause\` for the client's reason. ` +
  (retriable
    ? 'This is usually transient (a leader election, a busy broker): retry.'
    : 'Retrying will not help: check that the topic exists and that this client may write to it.');
