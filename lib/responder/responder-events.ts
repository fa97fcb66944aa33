import type { ConsumedRecord } from '../transport/records.js';
import type { ReadyEvent, RepinnedEvent } from '../transport/transport.js';
import type { HandlerTimeoutError } from './handler-timeout-error.js';

/**
 * A request was handled: its replies (and an error reply, if the handler failed or a reply could
 * never be produced) were produced.
 *
 * @since 0.1.0
 * @category responder
 */
export interface AnsweredEvent {
  readonly type: 'answered';
  readonly record: ConsumedRecord;
  /** Reply records produced (a last value and the end marker share one record). */
  readonly replies: number;
  /**
   * Set when the handler failed, the request did not decode, or a reply could never be produced
   * (a `ProduceError` saying why, such as its size over the topic's limit); the caller got an
   * error reply.
   */
  readonly error?: unknown;
  readonly elapsedMs: number;
}

/**
 * A request was not handled, and why: its caller's deadline had passed, or it named a reply topic
 * the responder's `allowReplyTopic` policy refuses.
 *
 * @since 0.1.0
 * @category responder
 */
export interface SkippedEvent {
  readonly type: 'skipped';
  readonly reason: 'deadline-passed' | 'reply-topic-refused';
  readonly record: ConsumedRecord;
}

/**
 * A reply could not be produced and the caller could not be told: the broker kept failing until
 * the request's deadline (retriable failures), or even the error reply was refused (a reply topic
 * that does not exist, say). The request counts as done; the caller times out.
 *
 * @since 0.1.0
 * @category responder
 */
export interface ReplyFailedEvent {
  readonly type: 'reply-failed';
  readonly record: ConsumedRecord;
  readonly error: unknown;
}

/**
 * A handler passed its deadline (the request's own, or `handlerTimeoutMs`) and was cancelled. When
 * the caller was still waiting it got the {@link HandlerTimeoutError} as an error reply. The
 * request counts as done and its partition moves on.
 *
 * @since 0.2.0
 * @category responder
 */
export interface TimedOutEvent {
  readonly type: 'timed-out';
  readonly record: ConsumedRecord;
  readonly error: HandlerTimeoutError;
  /** Reply records produced, the error reply included. */
  readonly replies: number;
  readonly elapsedMs: number;
}

/**
 * What a running responder reports.
 *
 * @since 0.1.0
 * @category responder
 */
export type ResponderEvent =
  ReadyEvent | RepinnedEvent | AnsweredEvent | SkippedEvent | ReplyFailedEvent | TimedOutEvent;
