import { randomUUID } from 'node:crypto';
import { asyncScheduler, Observable } from 'rxjs';
import { mapLeft } from 'fp-ts/lib/Either.js';
import type { Codec, DecodeFailure } from '../codecs/index.js';
import { DecodeError } from '../errors/index.js';
import { noTelemetry } from '../telemetry/no-telemetry.js';
import type { Telemetry } from '../telemetry/telemetry.js';
import { traceConsumerStart } from '../telemetry/traced-consumer.js';
import type { ConsumedRecord } from '../transport/records.js';
import type { ConsumerSubscription, GroupMembership, Transport } from '../transport/transport.js';
import type { ConsumerEvent, MessageEvent } from './consumer-events.js';

/**
 * Options of {@link consume}.
 *
 * @since 0.1.0
 * @category consume
 */
export interface ConsumeOptions<A> {
  /** The topic (or topics) to read. */
  readonly topic: string | readonly string[];
  /** Decodes each record's value. */
  readonly codec: Codec<A>;
  /** Default `'private'`: a group of one with a random id. Use `'shared'` with a `groupId` to scale out. */
  readonly membership?: GroupMembership;
  /** The consumer group. Default: `pubscribe-<random uuid>` (required for `'shared'`). */
  readonly groupId?: string;
  /** Where partitions without a committed offset start. Default `'latest'`. */
  readonly startAt?: 'latest' | 'earliest';
  readonly sessionTimeoutMs?: number;
  /** How often the member heartbeats, and so how soon it notices a rebalance. Default 3000 ms. */
  readonly heartbeatIntervalMs?: number;
  /** Longest a fetch waits for data; bounds how long an unsubscribe takes. Default 100 ms. */
  readonly maxWaitTimeMs?: number;
  /** How often topic metadata is refreshed, so added partitions are noticed. Default 300 000 ms. */
  readonly metadataMaxAgeMs?: number;
  /**
   * Traces the consumer's start (`start message consumer` with `pubscribe/opentelemetry`) and each
   * record: the subscriber handles it in the record's own span, a child of the context the record
   * carries (a `traceparent`, such as `context.send` puts on what a handler sends). The span covers
   * what the subscriber does synchronously in `next`; work it starts there still runs in its context.
   * Default: none.
   *
   * @since 0.2.0
   */
  readonly telemetry?: Telemetry;
}

/** Decodes one record into a message event; never throws. @internal */
export function decodeRecord<A>(codec: Codec<A>, record: ConsumedRecord): MessageEvent<A> {
  const context = { topic: record.topic, partition: record.partition, offset: record.offset };
  return {
    type: 'message',
    record,
    value: mapLeft((failure: DecodeFailure) => DecodeError.fromFailure(failure, context))(codec.decode(record.value)),
  };
}

/**
 * A cold Observable of a topic's records, from a consumer that is ready, not merely started.
 *
 * Subscribing connects, joins the group and pins every assigned partition to a fixed numeric
 * offset (the log end at subscribe time, unless the group committed one), then emits `ready` with
 * those positions, then a `message` event per record, decoded through `codec` (a decode failure is
 * a `left`, and the stream goes on). After a rebalance it re-pins from tracked positions and emits
 * `repinned`. Unsubscribing leaves the group and disconnects. A consumer that cannot go on errors
 * with a `ConnectionError`.
 *
 * @example
 * import * as t from 'io-ts';
 * import { filter, first } from 'rxjs';
 * import { consume, jsonCodec, kafkajsTransport } from 'pubscribe';
 *
 * const transport = kafkajsTransport({ kafka: { clientId: 'audit', brokers: ['127.0.0.1:9092'] } });
 * const UserCreated = t.type({ email: t.string, name: t.string });
 * consume(transport, { topic: 'user-created', codec: jsonCodec(UserCreated) })
 *   .pipe(filter((event) => event.type === 'ready'), first())
 *   .subscribe((ready) => console.log('positioned at', ready.positions));
 *
 * @param transport where to consume from
 * @param options topic, codec and group settings
 * @returns a cold Observable of consumer events
 * @since 0.1.0
 * @category consume
 */
export function consume<A>(transport: Transport, options: ConsumeOptions<A>): Observable<ConsumerEvent<A>> {
  const topics = typeof options.topic === 'string' ? [options.topic] : [...options.topic];
  const membership = options.membership ?? 'private';
  if (topics.length === 0) throw new TypeError('consume: `topic` names no topic.');
  if (membership === 'shared' && !options.groupId) {
    throw new TypeError("consume: a 'shared' consumer needs a `groupId` its members have in common.");
  }
  const telemetry = options.telemetry ?? noTelemetry;
  return new Observable<ConsumerEvent<A>>((subscriber) => {
    const groupId = options.groupId ?? `pubscribe-${randomUUID()}`;
    const subscription: ConsumerSubscription = {
      topics,
      groupId,
      membership,
      startAt: options.startAt,
      sessionTimeoutMs: options.sessionTimeoutMs,
      heartbeatIntervalMs: options.heartbeatIntervalMs,
      maxWaitTimeMs: options.maxWaitTimeMs,
      metadataMaxAgeMs: options.metadataMaxAgeMs,
    };
    const startMessage = telemetry.startMessage?.bind(telemetry);
    const deliver = startMessage
      ? (record: ConsumedRecord) => {
          const trace = startMessage(record, groupId);
          try {
            trace.run(() => subscriber.next(decodeRecord(options.codec, record)));
          } finally {
            trace.end();
          }
        }
      : (record: ConsumedRecord) => subscriber.next(decodeRecord(options.codec, record));
    const events = transport
      .consume(subscription)
      .pipe(traceConsumerStart(telemetry, { role: 'message', topics, groupId }, asyncScheduler));
    return events.subscribe({
      next(event) {
        if (event.type !== 'batch') {
          subscriber.next(event);
          return;
        }
        for (const record of event.records) {
          if (subscriber.closed) return;
          deliver(record);
        }
        event.ack();
      },
      error: (error: unknown) => subscriber.error(error),
      complete: () => subscriber.complete(),
    });
  });
}
