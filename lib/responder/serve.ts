import {
  asyncScheduler,
  catchError,
  concat,
  defer,
  EMPTY,
  from,
  map,
  mergeMap,
  Observable,
  ObservableInput,
  of,
  SchedulerLike,
} from 'rxjs';
import type { Codec } from '../codecs/index.js';
import { DecodeError } from '../errors/index.js';
import { DEADLINE_HEADER, headerString } from '../headers/index.js';
import type { ConsumedRecord, OutgoingRecord, ProducedRecord } from '../transport/records.js';
import type { ConsumerSubscription, Transport } from '../transport/transport.js';
import type { ResponderEvent } from './responder-events.js';
import { errorReplyRecord, ReplyDestination, replyDestination, replyRecord } from './reply-records.js';

/**
 * What a handler knows about the request it answers, and how it emits other records.
 *
 * @since 0.1.0
 * @category responder
 */
export interface RequestContext {
  /** The request as consumed: key, headers, partition and offset. */
  readonly record: ConsumedRecord;
  /** Produces records to other topics (the seed's send-email topic, for example). */
  send(records: readonly OutgoingRecord[]): Promise<readonly ProducedRecord[]>;
}

/**
 * Options of {@link serve}.
 *
 * @since 0.1.0
 * @category responder
 */
export interface ResponderOptions<Request, Reply> {
  readonly transport: Transport;
  /** The request topic (or topics). */
  readonly topic: string | readonly string[];
  /** The consumer group every instance of this responder shares, so requests are split among them. */
  readonly groupId: string;
  readonly requestCodec: Codec<Request>;
  readonly replyCodec: Codec<Reply>;
  /**
   * Answers one request: a value, a Promise, or an Observable of several replies. A throw, a
   * rejection or an error notification becomes an error reply, which the caller receives as a
   * RemoteError. Records for other topics go through `context.send`.
   */
  readonly handler: (request: Request, context: RequestContext) => ObservableInput<Reply>;
  /** Where to reply when a request names no `kafka_replyTopic`. Without either, replies are dropped. */
  readonly replyTopic?: string;
  /**
   * Which reply topics requests may name. A request naming another is skipped (`reply-topic-refused`)
   * and its handler is not run: with requests from producers you do not trust, this keeps them from
   * having the responder write to topics of their choosing. Default: every topic.
   */
  readonly allowReplyTopic?: (topic: string) => boolean;
  /** Requests of one batch handled at once. Default 64. */
  readonly concurrency?: number;
  /** Partitions processed at once. Default 4. */
  readonly partitionsConsumedConcurrently?: number;
  /** Reads the time for deadlines and durations. Default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
  /** Settings of the request consumer. Default session timeout 10 000 ms, heartbeat every 1 000 ms. */
  readonly consumer?: Pick<
    ConsumerSubscription,
    'sessionTimeoutMs' | 'heartbeatIntervalMs' | 'maxWaitTimeMs' | 'metadataMaxAgeMs' | 'startAt'
  >;
}

/**
 * The responder side: consume requests in a consumer group (start more instances to scale out),
 * run `handler` for each, and produce its replies to the topic the request names in
 * `kafka_replyTopic` (or `replyTopic`), on `kafka_replyPartition` when given, with the
 * correlation id copied and the request's key kept. The last reply carries Nest's end marker
 * (`kafka_nest-is-disposed`); a failure becomes an error reply (`kafka_nest-err`). A request whose
 * caller's deadline (`pubscribe_deadline`) has passed is skipped. Offsets are committed after a
 * batch's replies are produced, so a responder that dies mid-batch leaves the batch to another
 * member (at-least-once; requesters drop the duplicate replies).
 *
 * The returned Observable is cold: subscribing starts the consumer, and it reports what happens;
 * unsubscribing stops it. It errors only when the consumer cannot go on.
 *
 * @example
 * import * as t from 'io-ts';
 * import { jsonCodec, kafkajsTransport, serve } from 'pubscribe';
 *
 * const transport = kafkajsTransport({ kafka: { clientId: 'user-service', brokers: ['127.0.0.1:9092'] } });
 * const CreateUser = t.type({ email: t.string, name: t.string });
 * const UserCreated = t.type({ id: t.number, email: t.string });
 * serve({
 *   transport,
 *   topic: 'create-user',
 *   groupId: 'user-service',
 *   requestCodec: jsonCodec(CreateUser),
 *   replyCodec: jsonCodec(UserCreated),
 *   handler: async (user) => ({ id: 1, email: user.email }),
 * }).subscribe((event) => event.type === 'answered' && console.log('answered', event.elapsedMs, 'ms'));
 *
 * @param options transport, topic, group, codecs and the handler
 * @returns a cold Observable of responder events
 * @since 0.1.0
 * @category responder
 */
export function serve<Request, Reply>(options: ResponderOptions<Request, Reply>): Observable<ResponderEvent> {
  const topics = typeof options.topic === 'string' ? [options.topic] : [...options.topic];
  if (topics.length === 0) throw new TypeError('serve: `topic` names no topic.');
  if (!options.groupId) throw new TypeError('serve: `groupId` is required; every instance of a responder shares it.');
  const scheduler = options.scheduler ?? asyncScheduler;
  const concurrency = options.concurrency ?? 64;
  const send = (records: readonly OutgoingRecord[]) => options.transport.produce(records);

  function answer(record: ConsumedRecord): Observable<ResponderEvent> {
    return defer(() => {
      const startedAt = scheduler.now();
      const deadline = headerString(record.headers, DEADLINE_HEADER);
      if (deadline._tag === 'Some' && Number(deadline.value) < startedAt) {
        return of<ResponderEvent>({ type: 'skipped', reason: 'deadline-passed', record });
      }
      const destination = replyDestination(record, options.replyTopic);
      if (destination && options.allowReplyTopic && !options.allowReplyTopic(destination.topic)) {
        return of<ResponderEvent>({ type: 'skipped', reason: 'reply-topic-refused', record });
      }
      const decoded = options.requestCodec.decode(record.value);
      if (decoded._tag === 'Left') {
        const error = DecodeError.fromFailure(decoded.left, {
          topic: record.topic,
          partition: record.partition,
          offset: record.offset,
        });
        return reply(record, [errorReplyRecordOrNone(destination, error)], startedAt, error);
      }
      return runHandler(record, destination, decoded.right, startedAt);
    });
  }

  function runHandler(
    record: ConsumedRecord,
    destination: ReplyDestination | undefined,
    request: Request,
    startedAt: number,
  ): Observable<ResponderEvent> {
    return new Observable<ResponderEvent>((subscriber) => {
      const produced: Promise<unknown>[] = [];
      let held: { readonly value: Reply } | undefined;
      let replies = 0;
      const emit = (value: Reply, last: boolean) => {
        if (!destination || failure !== undefined) return;
        replies += 1;
        let bytes: Buffer | null;
        try {
          bytes = options.replyCodec.encode(value);
        } catch (error) {
          fail(error);
          return;
        }
        produced.push(send([replyRecord(destination, bytes, last)]));
      };
      let failure: unknown = undefined;
      const fail = (error: unknown) => {
        failure ??= error;
        if (destination) {
          replies += 1;
          produced.push(send([errorReplyRecord(destination, error)]));
        }
      };
      const finish = () => {
        Promise.all(produced).then(
          () => {
            subscriber.next({
              type: 'answered',
              record,
              replies,
              elapsedMs: scheduler.now() - startedAt,
              ...(failure === undefined ? {} : { error: failure }),
            });
            subscriber.complete();
          },
          (error: unknown) => {
            subscriber.next({ type: 'reply-failed', record, error });
            subscriber.complete();
          },
        );
      };
      // The last reply is held back one step so it can carry the end marker: a single reply costs
      // one record, and a Nest client completes on it.
      const handled = defer(() => options.handler(request, { record, send })).subscribe({
        next(value) {
          if (held) emit(held.value, false);
          held = { value };
        },
        error(error: unknown) {
          if (held) emit(held.value, false);
          held = undefined;
          fail(error);
          finish();
        },
        complete() {
          if (held) emit(held.value, true);
          else if (destination && failure === undefined) {
            replies += 1;
            produced.push(send([replyRecord(destination, null, true)]));
          }
          finish();
        },
      });
      return () => handled.unsubscribe();
    });
  }

  function reply(
    record: ConsumedRecord,
    records: readonly (OutgoingRecord | undefined)[],
    startedAt: number,
    error: unknown,
  ): Observable<ResponderEvent> {
    const outgoing = records.filter((entry): entry is OutgoingRecord => entry !== undefined);
    return from(outgoing.length > 0 ? send(outgoing) : Promise.resolve([])).pipe(
      map((): ResponderEvent => ({
        type: 'answered',
        record,
        replies: outgoing.length,
        elapsedMs: scheduler.now() - startedAt,
        error,
      })),
      catchError((failure: unknown) => of<ResponderEvent>({ type: 'reply-failed', record, error: failure })),
    );
  }

  return defer(() =>
    options.transport.consume({
      topics,
      groupId: options.groupId,
      membership: 'shared',
      acknowledge: true,
      partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 4,
      // A member that crashed and rejoined waits for its old session to expire before the group
      // settles: keep that short. Heartbeats continue while a batch is being handled.
      sessionTimeoutMs: 10_000,
      heartbeatIntervalMs: 1_000,
      ...options.consumer,
    }),
  ).pipe(
    mergeMap((event) => {
      if (event.type !== 'batch') return of(event);
      return concat(
        from(event.records).pipe(mergeMap(answer, concurrency)),
        defer(() => {
          event.ack();
          return EMPTY;
        }),
      );
    }),
  );
}

function errorReplyRecordOrNone(destination: ReplyDestination | undefined, error: unknown): OutgoingRecord | undefined {
  return destination ? errorReplyRecord(destination, error) : undefined;
}
