import { asyncScheduler, Observable, SchedulerLike } from 'rxjs';
import {
  ClosedError,
  DecodeError,
  NotReadyError,
  OverloadedError,
  ProduceError,
  RequestTimeoutError,
} from '../errors/index.js';
import {
  CORRELATION_ID_HEADER,
  DEADLINE_HEADER,
  OutgoingHeaders,
  REPLY_PARTITION_HEADER,
  REPLY_TOPIC_HEADER,
} from '../headers/index.js';
import { isEndMarker } from '../protocol/end-marker.js';
import { remoteErrorOf } from '../protocol/error-reply.js';
import type { ConsumedRecord, OutgoingRecord } from '../transport/records.js';
import type { ConsumerSubscription, LeaseSubscription, Transport } from '../transport/transport.js';
import { newCorrelationId } from './correlation-id.js';
import { PendingEntry, PendingRequests } from './pending-requests.js';
import { ReplyListener } from './reply-listener.js';
import { ReplyPartitions } from './reply-partitions.js';
import { replyPartitionEncoder, type ReplyPartitionEncoding } from './reply-partition-encoding.js';
import type { ReplyReader, ReplyStamp } from './reply-reader.js';
import { LeasedReplyListener } from './leased-reply-listener.js';
import { stderrLogger, type Logger } from '../logging/index.js';
import { wallClock } from '../time/wall-clock.js';
import { noTelemetry } from '../telemetry/no-telemetry.js';
import type { RequestOutcome, Telemetry } from '../telemetry/telemetry.js';
import { traceConsumerStart } from '../telemetry/traced-consumer.js';
import type { RequesterMetrics } from './requester-metrics.js';
import type { ManyRequestSpec, RequestSpec } from './request-spec.js';

/**
 * Options of {@link createRequester}.
 *
 * @since 0.1.0
 * @category requester
 */
export interface RequesterOptions {
  readonly transport: Transport;
  /** The topic replies come back on; named to responders in the `kafka_replyTopic` header. */
  readonly replyTopic: string;
  /** The reply consumer's group: one per instance. Default `pubscribe-replies-<random uuid>`. */
  readonly groupId?: string;
  /**
   * The partitions of the reply topic this instance owns. The reply consumer reads only these, and
   * each request asks responders to reply on one of them (`kafka_replyPartition`, a 4-byte
   * big-endian integer as Spring writes it, or text: `replyPartitionEncoding`), the partitions taking turns. Give every instance
   * that shares a reply topic partitions of its own, and no instance decodes another's replies
   * (docs/scaling.md). Replies that ignore `kafka_replyPartition` (domain events matched with
   * `match`, or a responder that does not honour the header) reach this requester only when they
   * land on one of these partitions. Default: no header, and every partition is read.
   *
   * A partition the reply topic does not have fails requests with a `ConnectionError` (`reason:
   * 'unknown-partition'`); an empty list, a number that is not a whole number from 0, or one
   * named twice throws from `createRequester`. New in 0.2.0: a list, and reading only these
   * partitions (a single partition used to name the header alone, while every partition was read).
   *
   * `'auto'` (since 0.2.0): the instances sharing the reply topic lease its partitions from one
   * another through a consumer group used for coordination only (`leaseGroupId`); each reads the
   * partitions it leases and stamps each request, when it is sent, with one whose reader is ready.
   * A partition whose lease moves is read until the last request stamped with it has ended, so
   * nothing is lost while instances come and go. An instance that leases none (more instances
   * than partitions) reads the whole topic, stamps nothing and warns through `logger`. Needs a
   * transport with `lease` (all of pubscribe's have it).
   *
   * `'shared'` (since 0.2.0) says what leaving it out says: every partition is read, and requests
   * name none. For settings that are merged over defaults that lease (the Nest module's).
   */
  readonly replyPartition?: number | readonly number[] | 'auto' | 'shared';
  /**
   * How requests write `kafka_replyPartition` when `replyPartition` is set: `'int32'` (Spring's
   * 4-byte big-endian integer, the default) or `'text'` (decimal text, as NestJS writes it: for
   * Nest `ServerKafka` responders, which cannot read the 4-byte form). pubscribe's responders read
   * both. See {@link ReplyPartitionEncoding}.
   *
   * @since 0.2.0
   */
  readonly replyPartitionEncoding?: ReplyPartitionEncoding;
  /**
   * With `replyPartition: 'auto'`: the lease group every instance sharing the reply topic joins.
   * Default `pubscribe-reply-leases-<replyTopic>`.
   *
   * @since 0.2.0
   */
  readonly leaseGroupId?: string;
  /**
   * Where the requester's own warnings go (with `replyPartition: 'auto'`, an instance that leases
   * no partition). Default: standard error, warnings and worse.
   *
   * @since 0.2.0
   */
  readonly logger?: Logger;
  /** Default time a request may take, from subscribe to reply. Default 5000 ms. */
  readonly timeoutMs?: number;
  /** Requests pending at once before new ones fail with an OverloadedError. Default 10 000. */
  readonly maxInFlight?: number;
  /** How long the reply consumer stays up after the last request ends. Default 30 000 ms. */
  readonly keepAliveMs?: number;
  /** Every timer (timeouts, keep-alive, deadlines) runs on it. Default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
  /** Settings of the reply consumer. Default session timeout 10 000 ms, heartbeat every 1 000 ms. */
  readonly consumer?: Pick<
    ConsumerSubscription,
    'sessionTimeoutMs' | 'heartbeatIntervalMs' | 'maxWaitTimeMs' | 'metadataMaxAgeMs'
  >;
  /**
   * Traces and measures requests and the reply consumer's start (`openTelemetry()` from
   * `pubscribe/opentelemetry`, say). Default {@link noTelemetry}: nothing is recorded.
   *
   * @since 0.2.0
   */
  readonly telemetry?: Telemetry;
}

/**
 * Sends requests and hands each caller its own reply. See {@link createRequester}.
 *
 * @since 0.1.0
 * @category requester
 */
export interface Requester {
  /** The reply topic this requester listens on. */
  readonly replyTopic: string;
  /**
   * A cold Observable of the one reply to one request: subscribing registers the request, waits
   * until the reply consumer is ready, produces the request, and emits the reply then completes.
   * Errors with RequestTimeoutError (NotReadyError when the reply consumer was not ready within
   * the timeout, so the request was never produced), RemoteError, DecodeError, OverloadedError,
   * ProduceError, ConnectionError or ClosedError. Unsubscribing cancels the wait at once.
   */
  request<Request, Reply>(spec: RequestSpec<Request, Reply>): Observable<Reply>;
  /**
   * Like `request`, for responders that answer with several replies: emits each, and completes
   * after `count` replies or at the responder's end marker. On timeout the RequestTimeoutError
   * carries the replies seen so far in `partial`.
   */
  requestMany<Request, Reply>(spec: ManyRequestSpec<Request, Reply>): Observable<Reply>;
  /** Starts the reply consumer ahead of the first request; emits once it is ready. */
  warmUp(): Observable<void>;
  metrics(): RequesterMetrics;
  /** Fails pending requests with a ClosedError and stops the reply consumer. */
  close(): void;
}

interface Counters {
  answered: number;
  timedOut: number;
  cancelled: number;
  overloaded: number;
  decodeFailures: number;
  remoteErrors: number;
}

/** Passed to waiting requests when the requester closes; each turns it into its own ClosedError. */
const requesterClosed = Symbol('requester closed');

/** What a pending request does with a reply that is its own. */
type Outcome = 'pending' | 'answered' | 'failed' | 'timedOut';

/** The outcome telemetry hears once a request is torn down. */
const requestOutcomes: Record<Outcome, RequestOutcome> = {
  pending: 'cancelled',
  answered: 'answered',
  failed: 'failed',
  timedOut: 'timed-out',
};

function outgoingRecord<Request, Reply>(spec: RequestSpec<Request, Reply>, headers: OutgoingHeaders): OutgoingRecord {
  return {
    topic: spec.topic,
    key: spec.key ?? null,
    value: spec.codec.encode(spec.value),
    headers: { ...spec.headers, ...headers },
    partition: spec.partition,
  };
}

/**
 * A requester: one shared, ready reply consumer per reply topic and instance, serving every
 * request in flight. Requests carry a fresh correlation id in `kafka_correlationId` and the reply
 * topic in `kafka_replyTopic` (the header names Spring for Apache Kafka and NestJS use), keep
 * their key, and are registered before they are produced. Replies are routed in O(1) by
 * correlation id, or by a predicate over the decoded reply for responders that emit plain domain
 * events. Late and duplicate replies are counted and dropped.
 *
 * @example
 * import * as t from 'io-ts';
 * import { firstValueFrom } from 'rxjs';
 * import { createRequester, jsonCodec, kafkajsTransport } from 'pubscribe';
 *
 * const transport = kafkajsTransport({ kafka: { clientId: 'graphql-1', brokers: ['127.0.0.1:9092'] } });
 * const requester = createRequester({ transport, replyTopic: 'user-created' });
 * const CreateUser = t.type({ email: t.string, name: t.string });
 * const UserCreated = t.type({ id: t.number, email: t.string });
 * async function createUser(email: string, name: string): Promise<t.TypeOf<typeof UserCreated>> {
 *   return firstValueFrom(
 *     requester.request({
 *       topic: 'create-user',
 *       key: email,
 *       value: { email, name },
 *       codec: jsonCodec(CreateUser),
 *       replyCodec: jsonCodec(UserCreated),
 *     }),
 *   );
 * }
 *
 * @param options the transport, the reply topic and limits
 * @returns a requester; call `close()` when the application stops
 * @since 0.1.0
 * @category requester
 */
export function createRequester(options: RequesterOptions): Requester {
  const scheduler = options.scheduler ?? asyncScheduler;
  const defaultTimeoutMs = options.timeoutMs ?? 5_000;
  const maxInFlight = options.maxInFlight ?? 10_000;
  const replyTopic = options.replyTopic;
  if (!replyTopic) throw new TypeError('createRequester: `replyTopic` is required.');
  if (!(maxInFlight > 0)) throw new RangeError('createRequester: `maxInFlight` must be positive.');
  if (!(defaultTimeoutMs > 0)) throw new RangeError('createRequester: `timeoutMs` must be positive.');
  const leased = options.replyPartition === 'auto';
  const encodeReplyPartition = replyPartitionEncoder(options.replyPartitionEncoding);
  const owned = leased || options.replyPartition === 'shared' ? undefined : options.replyPartition;
  const replyPartitions = ReplyPartitions.of(owned, encodeReplyPartition);
  if (leased && !options.transport.lease) {
    throw new TypeError(
      "createRequester: `replyPartition: 'auto'` needs a transport with `lease()`, which this one lacks: " +
        'name the reply partitions instead, or use a transport of pubscribe.',
    );
  }

  const telemetry = options.telemetry ?? noTelemetry;
  const pending = new PendingRequests(
    undefined,
    options.telemetry && ((reason, record) => telemetry.replyDropped(reason, record)),
  );
  const counters: Counters = {
    answered: 0,
    timedOut: 0,
    cancelled: 0,
    overloaded: 0,
    decodeFailures: 0,
    remoteErrors: 0,
  };
  const transport = options.transport;
  // The reply consumer's start (subscribe until ready) is traced where it is consumed.
  const replyTransport: Transport = {
    // `lastFailure` names why a reply consumer is not ready (NotReadyError's cause).
    ...(transport.lastFailure ? { lastFailure: () => transport.lastFailure?.() } : {}),
    produce: (records, produceOptions) => transport.produce(records, produceOptions),
    consume: (subscription) =>
      transport
        .consume(subscription)
        .pipe(
          traceConsumerStart(
            telemetry,
            { role: 'reply', topics: subscription.topics, groupId: subscription.groupId },
            scheduler,
          ),
        ),
    ...(transport.lease ? { lease: (subscription: LeaseSubscription) => transport.lease!(subscription) } : {}),
    close: () => transport.close(),
  };
  const readerSubscription: ConsumerSubscription = {
    topics: [replyTopic],
    groupId: options.groupId ?? `pubscribe-replies-${newCorrelationId()}`,
    membership: 'private',
    ...(replyPartitions === undefined ? {} : { partitions: replyPartitions.partitions }),
    // A reply consumer that crashed rejoins as a new member, and its group waits for the old
    // member's session to expire before replies flow again: keep that wait short (kafkajs's
    // default is 30 s). The broker's floor, group.min.session.timeout.ms, is 6 s by default.
    sessionTimeoutMs: 10_000,
    heartbeatIntervalMs: 1_000,
    ...options.consumer,
  };
  const dispatch = (record: ConsumedRecord) => pending.dispatch(record);
  const keepAliveMs = options.keepAliveMs ?? 30_000;
  const failAll = (error: unknown) => {
    for (const fail of [...failers]) fail(error);
  };
  const listener: ReplyReader = leased
    ? new LeasedReplyListener(
        replyTransport,
        {
          topic: replyTopic,
          groupId: options.leaseGroupId ?? `pubscribe-reply-leases-${replyTopic}`,
          // A killed instance's leases move after this: its partitions are stamped by nobody meanwhile.
          sessionTimeoutMs: readerSubscription.sessionTimeoutMs,
          heartbeatIntervalMs: readerSubscription.heartbeatIntervalMs,
          ...(readerSubscription.metadataMaxAgeMs === undefined
            ? {}
            : { metadataMaxAgeMs: readerSubscription.metadataMaxAgeMs }),
        },
        readerSubscription,
        dispatch,
        keepAliveMs,
        scheduler,
        failAll,
        options.logger ?? stderrLogger('warn'),
        encodeReplyPartition,
      )
    : new ReplyListener(
        replyTransport,
        readerSubscription,
        dispatch,
        keepAliveMs,
        scheduler,
        failAll,
        replyPartitions && (() => replyPartitions.next()),
      );
  // Whoever waits on the reply consumer: failed together when it fails or the requester closes.
  const failers = new Set<(error: unknown) => void>();
  let closed = false;
  const fixedHeaders: OutgoingHeaders = { [REPLY_TOPIC_HEADER]: replyTopic };

  function exchange<Request, Reply>(spec: ManyRequestSpec<Request, Reply>, many: boolean): Observable<Reply> {
    return new Observable<Reply>((subscriber) => {
      if (closed) {
        subscriber.error(new ClosedError({ what: 'requester', topic: spec.topic }));
        return;
      }
      if (pending.size >= maxInFlight) {
        counters.overloaded += 1;
        subscriber.error(new OverloadedError({ limit: maxInFlight, inFlight: pending.size, topic: spec.topic }));
        return;
      }
      const timeoutMs = spec.timeoutMs ?? defaultTimeoutMs;
      const startedAt = scheduler.now();
      // Wall-clock time on the wire, whatever clock `scheduler` keeps: the responder reads it.
      const deadline = wallClock() + timeoutMs;
      const correlationId = newCorrelationId();
      const context = () => ({ topic: spec.topic, correlationId, elapsedMs: scheduler.now() - startedAt });
      const partial: Reply[] = [];
      let outcome: Outcome = 'pending';
      const trace = telemetry.startRequest({
        topic: spec.topic,
        replyTopic,
        correlationId,
        key: spec.key ?? null,
        partition: spec.partition,
        many,
        timeoutMs,
      });

      const settle = (how: 'answered' | 'failed') => {
        outcome = how;
        pending.finish(entry, how === 'answered' ? 'answered' : 'abandoned');
      };
      const fail = (error: unknown) => {
        if (outcome === 'pending') settle('failed');
        trace.failed(error);
        subscriber.error(error);
      };
      const take = (record: ConsumedRecord, decoded?: { readonly value: Reply }): void => {
        trace.replied(record);
        const remote = remoteErrorOf(record, correlationId);
        if (remote) {
          counters.remoteErrors += 1;
          fail(remote);
          return;
        }
        const ends = isEndMarker(record);
        let carried: { readonly value: Reply } | undefined;
        if (!(ends && record.value === null)) {
          if (decoded) carried = decoded;
          else {
            const result = spec.replyCodec.decode(record.value);
            if (result._tag === 'Left') {
              counters.decodeFailures += 1;
              fail(
                DecodeError.fromFailure(result.left, {
                  ...context(),
                  topic: record.topic,
                  partition: record.partition,
                  offset: record.offset,
                }),
              );
              return;
            }
            carried = { value: result.right };
          }
        }
        const seen = partial.length + (carried ? 1 : 0);
        const last = !many || ends || (spec.count !== undefined && seen >= spec.count);
        // Settled before the value is emitted: a caller that unsubscribes on it (take(1),
        // firstValueFrom) has been answered, not cancelled, and a second copy is a duplicate.
        if (last) {
          counters.answered += 1;
          settle('answered');
        }
        if (carried) {
          partial.push(carried.value);
          subscriber.next(carried.value);
        }
        if (last) subscriber.complete();
      };
      const match = spec.match;
      const entry: PendingEntry = {
        key: correlationId,
        byPredicate: match !== undefined,
        replyKey: spec.replyKey,
        offer(record, carriesCorrelationId) {
          if (carriesCorrelationId || !match) {
            take(record);
            return true;
          }
          const result = spec.replyCodec.decode(record.value);
          if (result._tag === 'Left' || !match(result.right, record)) return false;
          take(record, { value: result.right });
          return true;
        },
      };

      let record: OutgoingRecord;
      try {
        record = outgoingRecord(spec, {
          ...fixedHeaders,
          ...trace.headers,
          [CORRELATION_ID_HEADER]: correlationId,
          [DEADLINE_HEADER]: String(deadline),
        });
      } catch (error) {
        const refused = new ProduceError({ topic: spec.topic, retriable: false, cause: error });
        trace.failed(refused);
        trace.end('failed', scheduler.now() - startedAt);
        subscriber.error(refused);
        return;
      }
      // Registered before anything is produced: a fast reply cannot beat its registration.
      pending.register(entry);
      const failWithContext = (error: unknown) =>
        fail(error === requesterClosed ? new ClosedError({ what: 'requester', ...context() }) : error);
      failers.add(failWithContext);
      listener.hold();
      const waited = !listener.isReady;
      let stamp: ReplyStamp | undefined;
      const cancelReady = listener.whenReady(() => {
        if (waited) trace.event('reply consumer ready');
        if (outcome !== 'pending') return;
        // Stamped as it is sent: with leases, the partition is one this instance reads now.
        stamp = listener.stamp();
        const sent =
          stamp.header === undefined
            ? record
            : { ...record, headers: { ...record.headers, [REPLY_PARTITION_HEADER]: stamp.header } };
        options.transport.produce([sent], { deadline }).then((placed) => trace.sent(placed[0]), fail);
      });
      const timer = scheduler.schedule(() => {
        outcome = 'timedOut';
        pending.finish(entry, 'abandoned');
        trace.event('timeout', { 'pubscribe.timeout_ms': timeoutMs, 'pubscribe.replies_seen': partial.length });
        // Requests are produced only once the reply consumer is ready: if it never got there, the
        // request was never sent, and saying so beats a plain timeout.
        if (!listener.isReady) {
          const notReady = new NotReadyError({ ...context(), topic: replyTopic, cause: listener.failureSinceStart() });
          trace.failed(notReady);
          subscriber.error(notReady);
          return;
        }
        const timedOut = new RequestTimeoutError({
          ...context(),
          // The topic the reply did not arrive on; the request topic is named apart.
          topic: replyTopic,
          timeoutMs,
          requestTopic: spec.topic,
          repliesSeen: partial.length,
          partial,
        });
        trace.failed(timedOut);
        subscriber.error(timedOut);
      }, timeoutMs);

      return () => {
        timer.unsubscribe();
        cancelReady();
        failers.delete(failWithContext);
        if (outcome === 'timedOut') counters.timedOut += 1;
        if (outcome === 'pending') counters.cancelled += 1;
        pending.finish(entry, outcome === 'answered' ? 'answered' : 'abandoned');
        stamp?.done();
        listener.release();
        trace.end(requestOutcomes[outcome], scheduler.now() - startedAt);
      };
    });
  }

  return {
    replyTopic,
    request: (spec) => exchange(spec, false),
    requestMany: (spec) => exchange(spec, true),
    warmUp: () =>
      new Observable<void>((subscriber) => {
        if (closed) {
          subscriber.error(new ClosedError({ what: 'requester', topic: replyTopic }));
          return;
        }
        const fail = (error: unknown) =>
          subscriber.error(
            error === requesterClosed ? new ClosedError({ what: 'requester', topic: replyTopic }) : error,
          );
        failers.add(fail);
        listener.hold();
        const cancelReady = listener.whenReady(() => {
          subscriber.next();
          subscriber.complete();
        });
        return () => {
          cancelReady();
          failers.delete(fail);
          listener.release();
        };
      }),
    metrics: () => ({ pending: pending.size, ...counters, ...pending.counters }),
    close() {
      closed = true;
      for (const fail of [...failers]) fail(requesterClosed);
      listener.close();
    },
  };
}
