/**
 * Counters of a requester since it was created, for dashboards and tests.
 *
 * @since 0.1.0
 * @category requester
 */
export interface RequesterMetrics {
  /** Requests waiting for a reply now. */
  readonly pending: number;
  /** Requests that received their reply (or their last reply). */
  readonly answered: number;
  /** Requests that ended with a RequestTimeoutError. */
  readonly timedOut: number;
  /** Requests the caller unsubscribed from before the reply. */
  readonly cancelled: number;
  /** Requests refused because `maxInFlight` requests were pending. */
  readonly overloaded: number;
  /** Replies for a request that had already timed out or been cancelled; dropped. */
  readonly late: number;
  /** Replies for a request that had already been answered; dropped. */
  readonly duplicates: number;
  /** Replies whose correlation id matched nothing this instance sent (another instance's, usually); dropped. */
  readonly foreign: number;
  /** Matched replies that failed to decode; each became a DecodeError for its caller. */
  readonly decodeFailures: number;
  /** Error replies; each became a RemoteError for its caller. */
  readonly remoteErrors: number;
}
