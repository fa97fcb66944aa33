/**
 * A handler did not finish within its deadline: the request's own (`pubscribe_deadline`) or the
 * responder's `handlerTimeoutMs`, whichever came first. The handler was cancelled (unsubscribed,
 * and `context.signal` aborted). When the caller was still waiting it receives this as a
 * `RemoteError` whose `remoteName` is `'HandlerTimeoutError'`.
 *
 * @example
 * import { HandlerTimeoutError } from 'pubscribe';
 *
 * const error = new HandlerTimeoutError(5_000);
 * // error.message: 'The handler did not finish within 5000 ms and was cancelled. ...'
 *
 * @since 0.2.0
 * @category responder
 */
export class HandlerTimeoutError extends Error {
  override readonly name = 'HandlerTimeoutError';

  /**
   * @param timeoutMs how long the handler was given, in milliseconds
   */
  constructor(readonly timeoutMs: number) {
    super(
      `The handler did not finish within ${timeoutMs} ms and was cancelled. ` +
        "Make it faster, stop work when `context.signal` aborts, or raise `handlerTimeoutMs` (and the caller's `timeoutMs`).",
    );
  }
}
