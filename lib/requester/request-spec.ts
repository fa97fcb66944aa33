import type { Codec } from '../codecs/index.js';
import type { OutgoingHeaders } from '../headers/index.js';
import type { ConsumedRecord } from '../transport/records.js';

/**
 * One request: what to produce, how to encode it, and how to recognise and decode its reply.
 *
 * @since 0.1.0
 * @category requester
 */
export interface RequestSpec<Request, Reply> {
  /** The topic the request is produced to. */
  readonly topic: string;
  readonly value: Request;
  /** Encodes the request value. */
  readonly codec: Codec<Request>;
  /** Decodes the reply value. A matched reply that fails to decode is a DecodeError for this caller. */
  readonly replyCodec: Codec<Reply>;
  /** The request's key, kept as is: correlation rides in headers, so ordering per key is preserved. */
  readonly key?: string | Buffer | null;
  /** Extra headers (a W3C `traceparent`, for example, is passed on by pubscribe responders). */
  readonly headers?: OutgoingHeaders;
  /** Produce to this partition instead of the one the key hashes to. */
  readonly partition?: number;
  /** Overrides the requester's `timeoutMs` for this request. */
  readonly timeoutMs?: number;
  /**
   * Match replies by a predicate over the decoded reply, for responders that emit plain domain
   * events without the correlation header (a "user created" event matched by email). A reply
   * that carries this request's correlation id is its reply either way.
   */
  readonly match?: (reply: Reply, record: ConsumedRecord) => boolean;
  /** With `match`: only replies with this key are tried, so matching stays cheap under load. */
  readonly replyKey?: string;
}

/**
 * A request answered by a stream of replies.
 *
 * @since 0.1.0
 * @category requester
 */
export interface ManyRequestSpec<Request, Reply> extends RequestSpec<Request, Reply> {
  /** End after this many replies. Without it the stream ends at the responder's end marker. */
  readonly count?: number;
}
