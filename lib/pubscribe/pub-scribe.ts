import {
  asyncScheduler,
  defer,
  filter,
  from,
  ignoreElements,
  merge,
  mergeMap,
  Observable,
  ObservableInput,
  SchedulerLike,
  share,
  take,
  throwError,
  timeout,
} from 'rxjs';
import type { Codec } from '../codecs/index.js';
import { consume, ConsumerEvent, MessageEvent } from '../consume/index.js';
import { ProduceError, RequestTimeoutError } from '../errors/index.js';
import { CORRELATION_ID_HEADER, OutgoingHeaders, REPLY_TOPIC_HEADER } from '../headers/index.js';
import { newCorrelationId } from '../requester/correlation-id.js';
import type { ConsumedRecord, OutgoingRecord } from '../transport/records.js';
import type { Transport } from '../transport/transport.js';

/**
 * A request value and where it goes.
 *
 * @since 0.1.0
 * @category pubScribe
 */
export interface PubScribeRequest<Request> {
  readonly topic: string;
  readonly value: Request;
  /** Kept as is: correlation never replaces the key, so ordering per key holds. */
  readonly key?: string | Buffer | null;
  readonly headers?: OutgoingHeaders;
}

/**
 * Options of {@link pubScribe}.
 *
 * @since 0.1.0
 * @category pubScribe
 */
export interface PubScribeOptions<Request, Reply> {
  readonly transport: Transport;
  readonly requestCodec: Codec<Request>;
  readonly replyCodec: Codec<Reply>;
  /** From subscribe to the matching reply. Default 5000 ms. */
  readonly timeoutMs?: number;
  /** Runs the timeout. Default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
}

/**
 * Which reply a caller waits for: a predicate over the decoded reply and its record.
 *
 * @since 0.1.0
 * @category pubScribe
 */
export type ReplyPredicate<Reply> = (reply: Reply, record: ConsumedRecord) => boolean;

const isMessage = <A>(event: ConsumerEvent<A>): event is MessageEvent<A> => event.type === 'message';

/**
 * Publish to one topic, expect the matching result on another: the seed's "PubScribe", as one
 * cold Observable. Subscribing starts a fresh reply consumer on `replyTopic`, waits until it is
 * ready (positions fixed, not merely assigned), produces the request(s) from `request$`, then
 * emits the first decoded reply that satisfies `predicate` and completes; `timeout` bounds the
 * whole wait. Unsubscribing at any point stops the consumer and leaves its group.
 *
 * Each call pays a consumer group join (about 0.1 s on a local broker with
 * `group.initial.rebalance.delay.ms=0`, 3 s with the broker default), so use a shared
 * {@link createRequester} for traffic; `pubScribe` suits scripts, tests and rare calls.
 *
 * Requests carry a fresh `kafka_correlationId` and `kafka_replyTopic`, so a pubscribe, Spring or
 * Nest responder can answer them; the reply is still chosen by `predicate` alone.
 *
 * @example
 * import * as t from 'io-ts';
 * import { of } from 'rxjs';
 * import { jsonCodec, kafkajsTransport, pubScribe } from 'pubscribe';
 *
 * const transport = kafkajsTransport({ kafka: { brokers: ['127.0.0.1:9092'] } });
 * const CreateUser = t.type({ email: t.string, name: t.string });
 * const UserCreated = t.type({ id: t.number, email: t.string });
 * const email = 'ada@example.com';
 * pubScribe(
 *   of({ topic: 'create-user', key: email, value: { email, name: 'Ada' } }),
 *   'user-created',
 *   (user) => user.email === email,
 *   { transport, requestCodec: jsonCodec(CreateUser), replyCodec: jsonCodec(UserCreated), timeoutMs: 20_000 },
 * ).subscribe({ next: (user) => console.log('created', user.id), error: (error) => console.error(error.message) });
 *
 * @param request$ the request(s) to produce once the reply consumer is ready
 * @param replyTopic where the reply will appear
 * @param predicate recognises the reply
 * @param options transport, codecs, timeout and scheduler
 * @returns a cold Observable of the one matching reply
 * @since 0.1.0
 * @category pubScribe
 */
export function pubScribe<Request, Reply>(
  request$: ObservableInput<PubScribeRequest<Request>>,
  replyTopic: string,
  predicate: ReplyPredicate<Reply>,
  options: PubScribeOptions<Request, Reply>,
): Observable<Reply> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const scheduler = options.scheduler ?? asyncScheduler;
  return defer(() => {
    const correlationId = newCorrelationId();
    const startedAt = scheduler.now();
    const events$ = consume(options.transport, { topic: replyTopic, codec: options.replyCodec }).pipe(share());
    const produceAfterReady$ = events$.pipe(
      filter((event) => event.type === 'ready'),
      take(1),
      mergeMap(() => from(request$)),
      mergeMap((request) =>
        options.transport.produce([toRecord(request, options.requestCodec, replyTopic, correlationId)]),
      ),
      ignoreElements(),
    );
    const reply$ = events$.pipe(
      filter(isMessage),
      mergeMap((event) =>
        event.value._tag === 'Right' && predicate(event.value.right, event.record) ? [event.value.right] : [],
      ),
      take(1),
    );
    return merge(produceAfterReady$, reply$).pipe(
      take(1),
      timeout({
        first: timeoutMs,
        scheduler,
        with: () =>
          throwError(
            () =>
              new RequestTimeoutError({
                topic: replyTopic,
                correlationId,
                timeoutMs,
                elapsedMs: scheduler.now() - startedAt,
              }),
          ),
      }),
    );
  });
}

function toRecord<Request>(
  request: PubScribeRequest<Request>,
  codec: Codec<Request>,
  replyTopic: string,
  correlationId: string,
): OutgoingRecord {
  let value: Buffer | null;
  try {
    value = codec.encode(request.value);
  } catch (error) {
    throw new ProduceError({ topic: request.topic, retriable: false, cause: error });
  }
  return {
    topic: request.topic,
    key: request.key ?? null,
    value,
    headers: { ...request.headers, [CORRELATION_ID_HEADER]: correlationId, [REPLY_TOPIC_HEADER]: replyTopic },
  };
}
