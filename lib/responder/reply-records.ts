import type { Option } from 'fp-ts/lib/Option.js';
import {
  CORRELATION_ID_HEADER,
  headerBytes,
  headerInt32,
  headerString,
  NEST_DISPOSED_HEADER,
  NEST_ERROR_HEADER,
  OutgoingHeaders,
  REPLY_PARTITION_HEADER,
  REPLY_TOPIC_HEADER,
  TRACEPARENT_HEADER,
} from '../headers/index.js';
import { errorHeaderValue } from '../protocol/error-reply.js';
import type { ConsumedRecord, OutgoingRecord } from '../transport/records.js';

/** Where the replies to one request go. @internal */
export interface ReplyDestination {
  readonly topic: string;
  readonly partition?: number;
  readonly headers: OutgoingHeaders;
  readonly key: Buffer | null;
}

const some = <A>(option: Option<A>): A | undefined => (option._tag === 'Some' ? option.value : undefined);

/**
 * The reply topic named by the request (`kafka_replyTopic`), else the configured one; the
 * partition from `kafka_replyPartition`; the correlation id and trace context copied; the
 * request's key kept.
 *
 * @internal
 */
export function replyDestination(
  record: ConsumedRecord,
  fallbackTopic: string | undefined,
): ReplyDestination | undefined {
  const topic = some(headerString(record.headers, REPLY_TOPIC_HEADER)) ?? fallbackTopic;
  if (!topic) return undefined;
  const headers: OutgoingHeaders = {};
  const correlationId = some(headerBytes(record.headers, CORRELATION_ID_HEADER));
  if (correlationId) headers[CORRELATION_ID_HEADER] = correlationId;
  const traceparent = some(headerBytes(record.headers, TRACEPARENT_HEADER));
  if (traceparent) headers[TRACEPARENT_HEADER] = traceparent;
  return { topic, partition: replyPartition(record), headers, key: record.key };
}

/**
 * `kafka_replyPartition` as Spring writes it (a 4-byte big-endian integer) or as NestJS's
 * `ClientKafka` does (the partition number as decimal text, such as `"0"`). Digits come first: an
 * integer whose four bytes are all ASCII digits would name a partition above 800 million.
 */
function replyPartition(record: ConsumedRecord): number | undefined {
  const text = some(headerString(record.headers, REPLY_PARTITION_HEADER));
  if (text !== undefined && /^[0-9]{1,10}$/.test(text)) return Number(text);
  return some(headerInt32(record.headers, REPLY_PARTITION_HEADER));
}

/**
 * The end marker's value, one zero byte as Nest writes it. Shared by every reply (nothing writes
 * into a record's headers once built), so the last reply of each request allocates no Buffer.
 */
const END_MARKER_VALUE = Buffer.alloc(1);

/** A reply value; `last` marks the end of the reply stream (Nest's end marker). @internal */
export function replyRecord(destination: ReplyDestination, value: Buffer | null, last: boolean): OutgoingRecord {
  return {
    topic: destination.topic,
    partition: destination.partition,
    key: destination.key,
    value,
    headers: last ? { ...destination.headers, [NEST_DISPOSED_HEADER]: END_MARKER_VALUE } : destination.headers,
  };
}

/** An error reply, which also ends the reply stream. @internal */
export function errorReplyRecord(destination: ReplyDestination, error: unknown): OutgoingRecord {
  return {
    topic: destination.topic,
    partition: destination.partition,
    key: destination.key,
    value: null,
    headers: {
      ...destination.headers,
      [NEST_ERROR_HEADER]: errorHeaderValue(error),
      [NEST_DISPOSED_HEADER]: END_MARKER_VALUE,
    },
  };
}
