import type { Transport as NestTransport } from '@nestjs/microservices';
import { CustomTransportStrategy, MessageHandler, Server } from '@nestjs/microservices';
import * as E from 'fp-ts/lib/Either.js';
import { defer, ignoreElements, map, Observable, SchedulerLike, Subject, Subscription, throwError } from 'rxjs';
import type { Codec } from '../codecs/codec.js';
import { DecodeError } from '../errors/index.js';
import type { ResponderEvent } from '../responder/responder-events.js';
import type { Telemetry } from '../telemetry/telemetry.js';
import { RequestContext, ResponderOptions, serve } from '../responder/serve.js';
import type { Logger } from '../logging/index.js';
import { PUBSCRIBE_TRANSPORT_ID } from './constants.js';
import { nestLogger } from './nest-logger.js';
import { nestValueCodec } from './nest-value-codec.js';
import { codecsOf } from './pattern-codecs.js';
import { PubScribeContext } from './pubscribe-context.js';
import { resolveTransport, TransportHandle, TransportSource } from './transport-source.js';

/**
 * Options of {@link PubScribeServer}.
 *
 * @example
 * import { PubScribeServerOptions } from 'pubscribe/nest';
 *
 * const options: PubScribeServerOptions = {
 *   transport: { kafka: { clientId: 'user-service', brokers: ['127.0.0.1:9092'] } },
 *   groupId: 'user-service',
 * };
 *
 * @since 0.1.0
 * @category nest
 */
export interface PubScribeServerOptions {
  /** A transport you created (you close it), or kafkajs settings for one the server creates and closes. */
  readonly transport: TransportSource;
  /** The consumer group every instance of the service shares. Used as given (Nest's `ServerKafka` appends `-server`). */
  readonly groupId: string;
  /** Decodes requests of handlers without their own (see `patternCodecs`). Default {@link nestValueCodec}. */
  readonly requestCodec?: Codec<unknown>;
  /** Encodes replies of handlers without their own. Default {@link nestValueCodec}. */
  readonly replyCodec?: Codec<unknown>;
  /** Where to reply when a request names no `kafka_replyTopic`; without it such requests are events. */
  readonly replyTopic?: string;
  /**
   * Handlers running at once; requests with the same key in a partition run one after another, in
   * order (see `serve`). Default 64.
   */
  readonly concurrency?: number;
  /**
   * Longest a handler may run, in milliseconds, when the request's own deadline is not sooner; then
   * it is cancelled (`PubScribeContext.getSignal()` aborts) and the caller gets a
   * `HandlerTimeoutError` as an error reply. Default 30 000.
   */
  readonly handlerTimeoutMs?: number;
  /** Where handler timeouts and failed replies are reported. Default: Nest's `Logger` (`nestLogger`). */
  readonly logger?: Logger;
  /** Partitions processed at once. Default 4. */
  readonly partitionsConsumedConcurrently?: number;
  /** Reads the time for deadlines and durations. Default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
  /** Settings of the request consumer, `startAt` included. */
  readonly consumer?: ResponderOptions<unknown, unknown>['consumer'];
  /** The `transportId` handlers may name. Default {@link PUBSCRIBE_TRANSPORT_ID}. */
  readonly transportId?: NestTransport | symbol;
  /**
   * Traces each handler in the context its request carries, and measures it (`openTelemetry()`
   * from `pubscribe/opentelemetry`, say). Default none: nothing is recorded.
   *
   * @since 0.2.0
   */
  readonly telemetry?: Telemetry;
}

/** Kafka's rule for topic names. */
const legalTopic = /^[a-zA-Z0-9._-]{1,249}$/;

/** Request and reply bytes, untouched: the server decodes per pattern itself. */
const rawBytes: Codec<Buffer | null> = {
  name: 'raw',
  encode: (value) => value,
  decode: (bytes) => E.right(bytes),
};

/**
 * A NestJS custom transport strategy that serves stock `@MessagePattern(topic)` handlers with
 * pubscribe's responder ({@link serve}): one consumer group over every pattern's topic, replies
 * to `kafka_replyTopic` / `kafka_replyPartition` with the correlation id copied, the request's key
 * kept, the end marker on the last reply, and handler failures (Nest exception filters included)
 * as `kafka_nest-err` error replies. Requests from pubscribe requesters and from Nest's
 * `ClientKafka` are both answered. A handler may return a value, a Promise or an Observable of
 * several replies. `@EventPattern` handlers run without replying.
 *
 * `listen` completes once the consumer is positioned on every partition (pubscribe's `ready`), so
 * `app.listen()` / `app.startAllMicroservices()` resolve when requests are being read. `close`
 * leaves the group; the server also closes the transport when it created it.
 *
 * @example
 * import { Controller, Module } from '@nestjs/common';
 * import { NestFactory } from '@nestjs/core';
 * import { MessagePattern, Payload } from '@nestjs/microservices';
 * import { PubScribeServer } from 'pubscribe/nest';
 *
 * @Controller()
 * class EchoController {
 *   @MessagePattern('echo')
 *   echo(@Payload() payload: { n: number }): { n: number } {
 *     return payload;
 *   }
 * }
 *
 * @Module({ controllers: [EchoController] })
 * class EchoModule {}
 *
 * const app = await NestFactory.createMicroservice(EchoModule, {
 *   strategy: new PubScribeServer({
 *     transport: { kafka: { clientId: 'echo-service', brokers: ['127.0.0.1:9092'] } },
 *     groupId: 'echo-service',
 *   }),
 * });
 * await app.listen();
 *
 * @since 0.1.0
 * @category nest
 */
export class PubScribeServer extends Server implements CustomTransportStrategy {
  override transportId: NestTransport | symbol;
  private readonly responderEvents = new Subject<ResponderEvent>();
  private running: Subscription | undefined;
  private handle: TransportHandle | undefined;

  /**
   * What the responder reports: `ready`, `repinned`, and per request `answered`, `skipped`,
   * `timed-out` or `reply-failed`. Hot; subscribe before `listen` to see `ready`.
   */
  readonly events: Observable<ResponderEvent> = this.responderEvents.asObservable();

  /**
   * @param options the transport, the consumer group, default codecs and consumer settings
   */
  constructor(private readonly options: PubScribeServerOptions) {
    super();
    if (!options.groupId) throw new TypeError('PubScribeServer: `groupId` is required.');
    this.transportId = options.transportId ?? PUBSCRIBE_TRANSPORT_ID;
  }

  /**
   * Starts the consumer over every registered pattern; called by Nest.
   *
   * @param callback called once the consumer is ready, or with the error that stopped it first
   */
  listen(callback: (error?: unknown) => void): void {
    const topics = [...this.getHandlers().keys()];
    const illegal = topics.filter((topic) => !legalTopic.test(topic));
    if (illegal.length > 0) {
      callback(new TypeError(`PubScribeServer: patterns must be topic names; got ${illegal.join(', ')}`));
      return;
    }
    if (topics.length === 0) {
      callback();
      return;
    }
    const handle = (this.handle ??= resolveTransport(this.options.transport));
    let listening = false;
    this.running = serve<Buffer | null, Buffer | null>({
      transport: handle.transport,
      topic: topics,
      groupId: this.options.groupId,
      requestCodec: rawBytes,
      replyCodec: rawBytes,
      handler: (value, context) => this.handle$(value, context),
      replyTopic: this.options.replyTopic,
      concurrency: this.options.concurrency,
      handlerTimeoutMs: this.options.handlerTimeoutMs,
      logger: this.options.logger ?? nestLogger('PubScribeServer'),
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently,
      scheduler: this.options.scheduler,
      consumer: this.options.consumer,
      telemetry: this.options.telemetry,
    }).subscribe({
      next: (event) => {
        if (event.type === 'ready') {
          this._status$.next('connected');
          if (!listening) {
            listening = true;
            callback();
          }
        }
        this.responderEvents.next(event);
      },
      error: (error: unknown) => {
        this._status$.next('crashed');
        this.running = undefined;
        if (listening) this.logger.error(`PubScribeServer stopped: ${String(error)}`);
        else callback(error);
        this.responderEvents.error(error);
      },
    });
  }

  /**
   * Stops the consumer (it leaves its group) and closes the transport the server created.
   *
   * @returns a Promise that resolves once everything is closed
   */
  async close(): Promise<void> {
    this.running?.unsubscribe();
    this.running = undefined;
    const handle = this.handle;
    this.handle = undefined;
    if (handle?.owned) await handle.transport.close();
    this._status$.next('disconnected');
  }

  /**
   * Not supported, as with Nest's Kafka server: subscribe to `events` instead.
   *
   * @returns never; it throws
   */
  on(): never {
    throw new Error('PubScribeServer: `on` is not supported; subscribe to `events`.');
  }

  /**
   * @returns the transport the server consumes and produces with
   */
  unwrap<T>(): T {
    if (!this.handle) throw new Error('PubScribeServer: not listening; call `listen` first.');
    // Nest's signature lets the caller name the type; the transport is what there is.
    return this.handle.transport as T;
  }

  /** One request: decode with the pattern's codec, run the Nest handler, encode each reply. */
  private handle$(value: Buffer | null, context: RequestContext): Observable<Buffer | null> {
    const record = context.record;
    const handler: MessageHandler | undefined = this.getHandlers().get(record.topic);
    if (!handler)
      return throwError(() => new Error(`There is no matching message handler defined in the remote service.`));
    const codecs = codecsOf(handler.extras);
    const requestCodec = codecs.requestCodec ?? this.options.requestCodec ?? nestValueCodec;
    const replyCodec = codecs.replyCodec ?? this.options.replyCodec ?? nestValueCodec;
    const decoded = requestCodec.decode(value);
    if (E.isLeft(decoded)) {
      return throwError(() =>
        DecodeError.fromFailure(decoded.left, {
          topic: record.topic,
          partition: record.partition,
          offset: record.offset,
        }),
      );
    }
    const replies = defer(() =>
      this.transformToObservable(handler(decoded.right, new PubScribeContext([record, context]))),
    );
    return handler.isEventHandler
      ? replies.pipe(ignoreElements())
      : replies.pipe(map((reply) => replyCodec.encode(reply)));
  }
}
