import type { SchedulerLike, Subscription } from 'rxjs';
import {
  CORRELATION_ID_HEADER,
  headerBytes,
  headerString,
  type OutgoingHeaders,
  REPLY_TOPIC_HEADER,
} from '../../lib/headers';
import type { ConsumedRecord, OutgoingRecord } from '../../lib/transport/records';
import type { Transport } from '../../lib/transport/transport';

/** A reply the hand-made responder produces `after` frames past the request's arrival. */
export interface ScheduledReply {
  readonly after: number;
  readonly record: OutgoingRecord;
}

/**
 * A reply to `request`: to the topic its `kafka_replyTopic` names (else `replies`), with its
 * correlation id copied unless `correlate` is false, and the given value, key and extra headers.
 */
export function replyTo(
  request: ConsumedRecord,
  value: string | null,
  options: { readonly headers?: OutgoingHeaders; readonly key?: string; readonly correlate?: boolean } = {},
): OutgoingRecord {
  const topic = headerString(request.headers, REPLY_TOPIC_HEADER);
  const correlationId = headerBytes(request.headers, CORRELATION_ID_HEADER);
  const correlation: OutgoingHeaders = {};
  if (options.correlate !== false && correlationId._tag === 'Some')
    correlation[CORRELATION_ID_HEADER] = correlationId.value;
  return {
    topic: topic._tag === 'Some' ? topic.value : 'replies',
    key: options.key ?? null,
    value,
    headers: { ...correlation, ...options.headers },
  };
}

/** The request's correlation id as text, or undefined. */
export function correlationIdOf(record: ConsumedRecord | undefined): string | undefined {
  if (record === undefined) return undefined;
  const header = headerString(record.headers, CORRELATION_ID_HEADER);
  return header._tag === 'Some' ? header.value : undefined;
}

/**
 * A responder written by hand on the transport port, independent of `serve`: a private consumer
 * of `topic` that answers each request with the replies `answer` returns, each produced on the
 * scheduler `after` frames later. The requests it saw are kept in `seen`.
 */
export function handResponder(
  transport: Transport,
  scheduler: SchedulerLike,
  answer: (request: ConsumedRecord) => readonly ScheduledReply[],
  topic = 'requests',
): { readonly seen: ConsumedRecord[]; readonly subscription: Subscription } {
  const seen: ConsumedRecord[] = [];
  const subscription = transport
    .consume({ topics: [topic], groupId: `hand-made-${topic}`, membership: 'private' })
    .subscribe((event) => {
      if (event.type !== 'batch') return;
      for (const request of event.records) {
        seen.push(request);
        for (const { after, record } of answer(request)) {
          scheduler.schedule(() => void transport.produce([record]), after);
        }
      }
    });
  return { seen, subscription };
}

/** The usual answer: one reply `pong:<request>`, `after` frames later. */
export const echo =
  (after: number) =>
  (request: ConsumedRecord): readonly ScheduledReply[] => [
    { after, record: replyTo(request, `pong:${request.value?.toString() ?? ''}`) },
  ];
