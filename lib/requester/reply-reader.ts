/**
 * Which reply partition a request names, taken when the request is produced, and handed back when
 * it ends: a reader of that partition stays up at least until then.
 *
 * @internal
 */
export interface ReplyStamp {
  /** The `kafka_replyPartition` value to send, or undefined for none (replies go by key). */
  readonly header: Buffer | undefined;
  /** The request ended: nothing waits on this stamp any more. */
  readonly done: () => void;
}

/**
 * What a requester needs of the consumers that read its replies, whichever way they are chosen:
 * one consumer of the whole topic or of fixed partitions (`ReplyListener`), or consumers of
 * leased partitions (`LeasedReplyListener`).
 *
 * @internal
 */
export interface ReplyReader {
  /** Keeps the readers running (starting them if needed) until the matching `release()`. */
  hold(): void;
  /** Ends one hold; the last one stops the readers after the keep-alive (at once when closed). */
  release(): void;
  /** Calls `callback` once a request can be stamped and its reply will be read; returns a cancel function. */
  whenReady(callback: () => void): () => void;
  /** True while a request can be stamped and its reply will be read. */
  readonly isReady: boolean;
  /** The latest transport failure since the readers started, while not ready; undefined when none. */
  failureSinceStart(): unknown;
  /** Which partition the next request names. Call only while ready; call `done` when the request ends. */
  stamp(): ReplyStamp;
  /** Stops the readers as soon as no request holds them. */
  close(): void;
}

/** The stamp of a request that names no partition. @internal */
export const unstamped: ReplyStamp = { header: undefined, done: () => undefined };
