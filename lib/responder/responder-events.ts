import type { ConsumedRecord } from '../transport/records.js';
import type { ReadyEvent, RepinnedEvent } from '../transport/transport.js';

/**
 * A request was handled: its replies (and an error reply, if the handler failed) were produced.
 *
 * @since 0.1.0
 * @category responder
 */
export interface AnsweredEvent {
  readonly type: 'answered';
  readonly record: ConsumedRecord;
  /** Reply records produced (a last value and the end marker share one record). */
  readonly replies: number;
  /** Set when the handler failed or the request did not decode; the caller got an error reply. */
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
 * A reply could not be produced (the broker refused it); the caller will time out.
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
 * What a running responder reports.
 *
 * @since 0.1.0
 * @category responder
 */
export type ResponderEvent = ReadyEvent | RepinnedEvent | AnsweredEvent | SkippedEvent | ReplyFailedEvent;
