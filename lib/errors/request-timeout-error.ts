import { describeContext, quote } from './describe-context.js';
import { ErrorContext, PubScribeError } from './pubscribe-error.js';

/**
 * What a {@link RequestTimeoutError} knows about the wait that ran out.
 *
 * @example
 * import { RequestTimeoutErrorOptions } from 'pubscribe';
 *
 * const options: RequestTimeoutErrorOptions = { topic: 'replies', correlationId: 'abc', timeoutMs: 5000 };
 *
 * @since 0.1.0
 * @category errors
 */
export interface RequestTimeoutErrorOptions extends ErrorContext {
  /** How long the caller was willing to wait, in milliseconds. */
  readonly timeoutMs: number;
  /** The topic the request was sent to, named in the hint about which responder to check. */
  readonly requestTopic?: string;
  /** How many replies arrived before the wait ended, for requests that expect several. */
  readonly repliesSeen?: number;
  /** The replies that did arrive, so a caller can use a partial answer. */
  readonly partial?: readonly unknown[];
}

/**
 * No reply (or not all the expected replies) arrived within the timeout. Retriable: the responder
 * may only be slow or restarting.
 *
 * @example
 * import { RequestTimeoutError } from 'pubscribe';
 *
 * const error = new RequestTimeoutError({
 *   topic: 'create-user-replies',
 *   requestTopic: 'create-user',
 *   correlationId: 'abc',
 *   timeoutMs: 5000,
 * });
 * // error.message: "No reply on topic 'create-user-replies' for correlation id 'abc' within 5000 ms. ..."
 *
 * @since 0.1.0
 * @category errors
 */
export class RequestTimeoutError extends PubScribeError {
  override readonly kind = 'timeout';
  override readonly name = 'RequestTimeoutError';
  /** How long the caller was willing to wait, in milliseconds. */
  readonly timeoutMs: number;
  /** The topic the request was produced to (`topic` is the one the reply was awaited on). */
  readonly requestTopic?: string;
  /** How many replies arrived before the wait ended, when the request expected several. */
  readonly repliesSeen?: number;
  /** The replies that did arrive before the wait ended. */
  readonly partial?: readonly unknown[];

  /**
   * @param options The context, the timeout that ran out and any partial results.
   */
  constructor(options: RequestTimeoutErrorOptions) {
    super(timeoutMessage(options), { ...options, retriable: true });
    this.timeoutMs = options.timeoutMs;
    this.requestTopic = options.requestTopic;
    this.repliesSeen = options.repliesSeen;
    this.partial = options.partial;
  }
}

const timeoutMessage = (options: RequestTimeoutErrorOptions): string => {
  const where = describeContext(options);
  const responder = options.requestTopic === undefined ? 'the request topic' : quote(options.requestTopic);
  const seen = options.repliesSeen ?? 0;
  if (seen === 0) {
    return (
      `No reply${where} within ${options.timeoutMs} ms. ` +
      `Is a responder consuming ${responder}? Raise \`timeoutMs\` or check the responder.`
    );
  }
  return (
    `Only ${seen} ${seen === 1 ? 'reply' : 'replies'} arrived${where} within ${options.timeoutMs} ms; ` +
    `they are on \`partial\`. If more were expected, raise \`timeoutMs\` or check the responders of ${responder}.`
  );
};
