import { asyncScheduler, defer, firstValueFrom, Observable, SchedulerLike, Subscription, timer } from 'rxjs';
import type { Codec } from '../codecs/index.js';
import { DecodeError, isPubScribeError } from '../errors/index.js';
import { DEADLINE_HEADER, headerString, type OutgoingHeaders } from '../headers/index.js';
import { stderrLogger, type Logger } from '../logging/index.js';
import { noHeaders, noTelemetry } from '../telemetry/no-telemetry.js';
import type { HandlerOutcome, Telemetry } from '../telemetry/telemetry.js';
import { subscribeInTrace, traceConsumerStart } from '../telemetry/traced-consumer.js';
import { wallClock } from '../time/wall-clock.js';
import type { ConsumedRecord, OutgoingRecord, ProducedRecord } from '../transport/records.js';
import type { BatchEvent, ConsumerSubscription, Transport } from '../transport/transport.js';
import { HandlerResult, repliesOf } from './handler-result.js';
import { HandlerTimeoutError } from './handler-timeout-error.js';
import { KeyOrderedQueue } from './key-ordered-queue.js';
import { LazyAbort } from './lazy-abort.js';
import type { AnsweredEvent, ReplyFailedEvent, ResponderEvent, TimedOutEvent } from './responder-events.js';
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
  /**
   * Produces records to other topics (the seed's send-email topic, for example). With telemetry,
   * each record carries the handler's trace context (`traceparent`, `tracestate`), so whoever
   * consumes it continues the request's trace.
   */
  send(records: readonly OutgoingRecord[]): Promise<readonly ProducedRecord[]>;
  /**
   * Aborts when the handler's deadline passes or the responder stops: stop work then (pass it to
   * `fetch`, a database driver, ...). Its `reason` is a {@link HandlerTimeoutError} on a deadline.
   *
   * @since 0.2.0
   */
  readonly signal: AbortSignal;
  /**
   * Wall-clock milliseconds since the epoch when the handler will be cancelled: the request's
   * deadline or `handlerTimeoutMs` from its start, whichever comes first.
   *
   * @since 0.2.0
   */
  readonly deadline: number;
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
   * Answers one request. Return one reply as a plain value or a Promise of one (a string, an array
   * or `null` is one reply, never iterated), or several as an Observable or an AsyncIterable (see
   * {@link HandlerResult}). A throw, a rejection or an error notification becomes an error reply,
   * which the caller receives as a `RemoteError`. Records for other topics go through
   * `context.send`; `context.signal` aborts when the handler's deadline passes.
   */
  readonly handler: (request: Request, context: RequestContext) => HandlerResult<Reply>;
  /** Where to reply when a request names no `kafka_replyTopic`. Without either, replies are dropped. */
  readonly replyTopic?: string;
  /**
   * Which reply topics requests may name. A request naming another is skipped (`reply-topic-refused`)
   * and its handler is not run: with requests from producers you do not trust, this keeps them from
   * having the responder write to topics of their choosing. Default: every topic.
   */
  readonly allowReplyTopic?: (topic: string) => boolean;
  /**
   * Handlers running at once, over every partition. Requests with the same key in one partition
   * are always handled one after another, in offset order; requests with other keys (or none) run
   * beside them, so one slow request holds up only its own key. Default 64.
   */
  readonly concurrency?: number;
  /**
   * Longest a handler may run, in milliseconds, when the request's own deadline (sent by pubscribe
   * requesters) is not sooner. When it passes the handler is cancelled (unsubscribed, and
   * `context.signal` aborts), the caller receives a {@link HandlerTimeoutError} as a `RemoteError`
   * if it is still waiting, and the partition moves on. Default 30 000.
   */
  readonly handlerTimeoutMs?: number;
  /** Partitions processed at once. Default 4. */
  readonly partitionsConsumedConcurrently?: number;
  /**
   * Where the responder says what went wrong with a request that its caller may never hear of: a
   * handler cancelled at its deadline (`timed-out`) and a reply that could not be produced
   * (`reply-failed`), at `warn`, with the request's topic, partition and offset. Every outcome is
   * also an event. Default `stderrLogger('warn')`; `silentLogger` drops it.
   *
   * @since 0.2.0
   */
  readonly logger?: Logger;
  /** Runs handler deadlines and retry back-off, and measures durations. Default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
  /** Settings of the request consumer. Default session timeout 10 000 ms, heartbeat every 1 000 ms. */
  readonly consumer?: Pick<
    ConsumerSubscription,
    'sessionTimeoutMs' | 'heartbeatIntervalMs' | 'maxWaitTimeMs' | 'metadataMaxAgeMs' | 'startAt'
  >;
  /**
   * Traces each handler run (in the context the request carries, which its replies carry back) and
   * the request consumer's start, and measures them (`openTelemetry()` from
   * `pubscribe/opentelemetry`, say). Default {@link noTelemetry}: nothing is recorded.
   *
   * @since 0.2.0
   */
  readonly telemetry?: Telemetry;
}

/** The records with `headers` added to each; they win over the record's own, as on replies. */
function withHeaders(records: readonly OutgoingRecord[], headers: OutgoingHeaders): OutgoingRecord[] {
  return records.map((record) => ({ ...record, headers: { ...record.headers, ...headers } }));
}

/**
 * The responder side: consume requests in a consumer group (start more instances to scale out),
 * run `handler` for each, and produce its replies to the topic the request names in
 * `kafka_replyTopic` (or `replyTopic`), on `kafka_replyPartition` when given, with the
 * correlation id copied and the request's key kept. The last reply carries Nest's end marker
 * (`kafka_nest-is-disposed`); a failure becomes an error reply (`kafka_nest-err`).
 *
 * - **Key-ordered concurrency.** Up to `concurrency` handlers run at once; requests with the same
 *   key in a partition run one after another, in order.
 * - **Deadlines.** A request whose caller's deadline (`pubscribe_deadline`, wall-clock) has passed is
 *   skipped. A handler runs until that deadline or `handlerTimeoutMs`, whichever is sooner, then is
 *   cancelled.
 * - **At-least-once replies.** A partition's committed offset is its first request not yet done;
 *   a request is done once its replies were produced, or its caller was told why they could not be
 *   (a reply over the topic's size limit, a refused topic: an error reply), or its deadline passed.
 *   Retriable produce failures are retried until the request's deadline. A responder that dies
 *   mid-flight leaves exactly the unfinished requests to another member; requesters drop the
 *   duplicate replies.
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
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new TypeError(`serve: \`concurrency\` must be a positive integer; got ${String(options.concurrency)}.`);
  }
  const handlerTimeoutMs = options.handlerTimeoutMs ?? 30_000;
  if (!(handlerTimeoutMs > 0)) {
    throw new TypeError(`serve: \`handlerTimeoutMs\` must be above 0; got ${String(options.handlerTimeoutMs)}.`);
  }
  const send = (records: readonly OutgoingRecord[]) => options.transport.produce(records);
  const logger = options.logger ?? stderrLogger('warn');
  const report = (event: ResponderEvent): void => {
    if (event.type !== 'timed-out' && event.type !== 'reply-failed') return;
    const { topic, partition, offset } = event.record;
    try {
      logger.warn(
        event.type === 'timed-out'
          ? `serve: a handler ran past its deadline and was cancelled (${event.error.message})`
          : `serve: a reply could not be produced, and its caller could not be told: ${String(event.error)}`,
        { topic, partition, offset, event: event.type },
      );
    } catch {
      // A throwing logger must not stop the responder.
    }
  };
  const telemetry = options.telemetry ?? noTelemetry;

  return defer(
    () =>
      new Observable<ResponderEvent>((subscriber) => {
        const queue = new KeyOrderedQueue(concurrency);
        const running = new Set<Subscription>();
        let stopped = false;

        /**
         * Produces `records`, retrying retriable failures with back-off until `deadline` (wall-clock)
         * passes, or for as long as the responder runs when there is none.
         */
        const deliver = async (records: readonly OutgoingRecord[], deadline: number | undefined): Promise<void> => {
          for (let attempt = 0; ; attempt += 1) {
            try {
              await options.transport.produce(records, deadline === undefined ? undefined : { deadline });
              return;
            } catch (error) {
              const retriable = isPubScribeError(error) && error.retriable;
              const left = deadline === undefined ? Infinity : deadline - wallClock();
              if (!retriable || stopped || left <= 0) throw error;
              await firstValueFrom(timer(Math.min(left, 100 * 2 ** Math.min(attempt, 4)), scheduler));
            }
          }
        };

        const handle = (batch: BatchEvent, record: ConsumedRecord) => {
          queue.submit(laneOf(record), (done) => {
            if (stopped) return;
            const work = new Subscription();
            running.add(work);
            work.add(
              answer(record).subscribe({
                next: (event) => {
                  report(event);
                  subscriber.next(event);
                },
                complete: () => {
                  running.delete(work);
                  batch.ackRecord(record);
                  done();
                },
              }),
            );
          });
        };

        function answer(record: ConsumedRecord): Observable<ResponderEvent> {
          return defer(() => {
            const deadline = requestDeadline(record);
            if (deadline !== undefined && deadline <= wallClock()) {
              return [{ type: 'skipped', reason: 'deadline-passed', record } as const];
            }
            const destination = replyDestination(record, options.replyTopic);
            if (destination && options.allowReplyTopic && !options.allowReplyTopic(destination.topic)) {
              return [{ type: 'skipped', reason: 'reply-topic-refused', record } as const];
            }
            const decoded = options.requestCodec.decode(record.value);
            if (decoded._tag === 'Left') {
              const error = DecodeError.fromFailure(decoded.left, {
                topic: record.topic,
                partition: record.partition,
                offset: record.offset,
              });
              return runHandler(record, destination, deadline, () => {
                throw error;
              });
            }
            return runHandler(record, destination, deadline, (context) => options.handler(decoded.right, context));
          });
        }

        function runHandler(
          record: ConsumedRecord,
          requested: ReplyDestination | undefined,
          deadline: number | undefined,
          handler: (context: RequestContext) => HandlerResult<Reply>,
        ): Observable<ResponderEvent> {
          return new Observable<ResponderEvent>((events) => {
            const startedAt = scheduler.now();
            const trace = telemetry.startHandler(record, options.groupId);
            // Replies carry the handler's trace context back, in place of the request's.
            const destination =
              requested && trace.headers !== noHeaders
                ? { ...requested, headers: { ...requested.headers, ...trace.headers } }
                : requested;
            const now = wallClock();
            const limit = Math.min(deadline ?? Infinity, now + handlerTimeoutMs);
            const abort = new LazyAbort();
            // Replies before the last go out as they come. The last one (it carries the end marker,
            // or is the error reply) waits until they are acknowledged, so a caller never sees the
            // end before every reply, and learns of one that could not be produced.
            const earlier: Promise<void>[] = [];
            let ending: Promise<void> | undefined;
            let replies = 0;
            let failure: unknown = undefined;
            let undeliverable: unknown = undefined;
            let held: { readonly value: Reply } | undefined;
            let settled = false;

            const attempt = (record: OutgoingRecord): Promise<void> =>
              deliver([record], deadline).catch((error: unknown) => {
                undeliverable ??= error;
              });
            const produce = (make: () => OutgoingRecord, last: boolean) => {
              replies += 1;
              if (!last) earlier.push(attempt(make()));
              else if (earlier.length === 0) ending = attempt(make());
              else
                ending = Promise.all(earlier).then(() => (undeliverable === undefined ? attempt(make()) : undefined));
            };
            const emit = (value: Reply, last: boolean) => {
              if (!destination || failure !== undefined) return;
              let bytes: Buffer | null;
              try {
                bytes = options.replyCodec.encode(value);
              } catch (error) {
                fail(error);
                return;
              }
              produce(() => replyRecord(destination, bytes, last), last);
            };
            const fail = (error: unknown) => {
              if (failure !== undefined) return;
              failure = error;
              if (destination) produce(() => errorReplyRecord(destination, error), true);
            };
            const finish = (timedOut?: HandlerTimeoutError) => {
              if (settled) return;
              settled = true;
              handled.unsubscribe();
              deadlineTimer.unsubscribe();
              if (timedOut) abort.abort(timedOut);
              void Promise.all([...earlier, ending])
                .then(async (): Promise<HandledEvent> => {
                  const elapsedMs = scheduler.now() - startedAt;
                  if (undeliverable !== undefined && destination) {
                    // A reply the broker will never take (too large, topic refused): the caller
                    // hears why now, in an error reply, instead of waiting for its timeout.
                    const retriable = isPubScribeError(undeliverable) && undeliverable.retriable;
                    if (retriable) return { type: 'reply-failed', record, error: undeliverable };
                    try {
                      await deliver([errorReplyRecord(destination, undeliverable)], deadline);
                    } catch {
                      return { type: 'reply-failed', record, error: undeliverable };
                    }
                    return { type: 'answered', record, replies, elapsedMs, error: undeliverable };
                  }
                  if (timedOut) return { type: 'timed-out', record, elapsedMs, error: timedOut, replies };
                  return {
                    type: 'answered',
                    record,
                    replies,
                    elapsedMs,
                    ...(failure === undefined ? {} : { error: failure }),
                  };
                })
                .then((event) => {
                  if (event.error !== undefined) trace.failed(event.error);
                  trace.end(handlerOutcomes[event.type], scheduler.now() - startedAt);
                  events.next(event);
                  events.complete();
                });
            };

            const context: RequestContext = {
              record,
              send: trace.headers === noHeaders ? send : (records) => send(withHeaders(records, trace.headers)),
              get signal() {
                return abort.signal;
              },
              deadline: limit,
            };
            // The last reply is held back one step so it can carry the end marker: a single reply
            // costs one record, and a Nest client completes on it.
            const handled = new Subscription();
            const deadlineTimer = timer(Math.max(0, limit - now), scheduler).subscribe(() => {
              const timedOut = new HandlerTimeoutError(Math.round(limit - now));
              // Tell a caller that is still waiting; past its own deadline nobody listens.
              if (deadline === undefined || limit < deadline) {
                if (held) emit(held.value, false);
                held = undefined;
                fail(timedOut);
              }
              finish(timedOut);
            });
            const handlerReplies = defer(() => repliesOf(handler(context))).pipe(subscribeInTrace(trace));
            handled.add(
              handlerReplies.subscribe({
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
                  else if (destination && failure === undefined)
                    produce(() => replyRecord(destination, null, true), true);
                  held = undefined;
                  finish();
                },
              }),
            );
            if (settled) handled.unsubscribe();
            return () => {
              handled.unsubscribe();
              deadlineTimer.unsubscribe();
              if (!settled) {
                abort.abort(new Error('The responder stopped.'));
                trace.end('cancelled', scheduler.now() - startedAt);
              }
            };
          });
        }

        const consumption = options.transport
          .consume({
            topics,
            groupId: options.groupId,
            membership: 'shared',
            acknowledge: true,
            // Requests behind a slow one keep coming, within a bound per partition.
            maxUnacknowledged: Math.max(64, concurrency * 2),
            partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 4,
            // A member that crashed and rejoined waits for its old session to expire before the
            // group settles: keep that short.
            sessionTimeoutMs: 10_000,
            heartbeatIntervalMs: 1_000,
            ...options.consumer,
          })
          .pipe(traceConsumerStart(telemetry, { role: 'request', topics, groupId: options.groupId }, scheduler))
          .subscribe({
            next: (event) => {
              if (event.type !== 'batch') subscriber.next(event);
              else for (const record of event.records) handle(event, record);
            },
            error: (error: unknown) => subscriber.error(error),
            complete: () => subscriber.complete(),
          });

        return () => {
          stopped = true;
          queue.clear();
          consumption.unsubscribe();
          for (const work of running) work.unsubscribe();
          running.clear();
        };
      }),
  );
}

/** What a handler's run ends with. */
type HandledEvent = AnsweredEvent | TimedOutEvent | ReplyFailedEvent;

/** The outcome telemetry hears when a handler's work is over. */
const handlerOutcomes: Record<HandledEvent['type'], HandlerOutcome> = {
  answered: 'answered',
  'timed-out': 'timed-out',
  'reply-failed': 'reply-failed',
};

/** The request's deadline as wall-clock epoch milliseconds, when its caller sent one. */
function requestDeadline(record: ConsumedRecord): number | undefined {
  const header = headerString(record.headers, DEADLINE_HEADER);
  if (header._tag === 'None') return undefined;
  const deadline = Number(header.value);
  return Number.isFinite(deadline) ? deadline : undefined;
}

/** Requests with the same key in one partition share a lane; keyless ones run on their own. */
function laneOf(record: ConsumedRecord): string | undefined {
  return record.key === null ? undefined : `${record.partition}:${record.topic}:${record.key.toString('latin1')}`;
}
