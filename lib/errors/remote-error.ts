import { describeContext, quote } from './describe-context.js';
import { ErrorContext, PubScribeError } from './pubscribe-error.js';

/**
 * What a {@link RemoteError} knows about the responder's failure.
 *
 * @example
 * import { RemoteErrorOptions } from 'pubscribe';
 *
 * const options: RemoteErrorOptions = { correlationId: 'abc', remoteMessage: 'email already taken' };
 *
 * @since 0.1.0
 * @category errors
 */
export interface RemoteErrorOptions extends ErrorContext {
  /** The error message the responder sent back. */
  readonly remoteMessage: string;
  /** The responder's name for its error (e.g. `ConflictException`), when it sent one. */
  readonly remoteName?: string;
  /** The whole error reply payload, for callers that need more than the message. */
  readonly details?: unknown;
}

/**
 * The responder received the request and answered with an error. Not retriable: the request was
 * delivered and processed, so sending it again would most likely fail the same way.
 *
 * @example
 * import { RemoteError } from 'pubscribe';
 *
 * const error = new RemoteError({
 *   topic: 'create-user-replies',
 *   correlationId: 'abc',
 *   remoteName: 'ConflictException',
 *   remoteMessage: 'email already taken',
 *   details: { statusCode: 409 },
 * });
 *
 * @since 0.1.0
 * @category errors
 */
export class RemoteError extends PubScribeError {
  override readonly kind = 'remote';
  override readonly name = 'RemoteError';
  /** The error message the responder sent back. */
  readonly remoteMessage: string;
  /** The responder's name for its error, when it sent one. */
  readonly remoteName?: string;
  /** The whole error reply payload. */
  readonly details?: unknown;

  /**
   * @param options The context and what the responder reported.
   */
  constructor(options: RemoteErrorOptions) {
    super(remoteMessage(options), { ...options, retriable: false });
    this.remoteMessage = options.remoteMessage;
    this.remoteName = options.remoteName;
    this.details = options.details;
  }
}

const remoteMessage = (options: RemoteErrorOptions): string => {
  const name = options.remoteName === undefined ? '' : `${quote(options.remoteName)}: `;
  return (
    `The responder answered with an error${describeContext(options)}: ${name}${quote(options.remoteMessage, 300)}. ` +
    "The request reached the responder and failed there; see `details` and fix it on the responder's side."
  );
};
