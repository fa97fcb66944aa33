import type { OutgoingHeaders } from '../headers/index.js';
import type { ReadyTimeline } from '../transport/ready-timeline.js';
import type { ConsumedRecord, PartitionPosition, ProducedRecord } from '../transport/records.js';

/**
 * Attribute values a telemetry hook may attach to an event: the shapes OpenTelemetry accepts.
 *
 * @example
 * import { TelemetryAttributes } from 'pubscribe';
 *
 * const attributes: TelemetryAttributes = { 'pubscribe.timeout_ms': 5_000 };
 *
 * @since 0.2.0
 * @category telemetry
 */
export type TelemetryAttributes = Readonly<Record<string, string | number | boolean>>;

/**
 * What a requester knows about a request as it starts, before anything is produced.
 *
 * @example
 * import { RequestStart } from 'pubscribe';
 *
 * const start: RequestStart = {
 *   topic: 'create-user',
 *   replyTopic: 'user-created',
 *   correlationId: 'c0ffee',
 *   key: 'ada@example.com',
 *   many: false,
 *   timeoutMs: 5_000,
 * };
 *
 * @since 0.2.0
 * @category telemetry
 */
export interface RequestStart {
  readonly topic: string;
  readonly replyTopic: string;
  readonly correlationId: string;
  readonly key: string | Buffer | null;
  /** The partition the request names, when it names one. */
  readonly partition?: number;
  /** True for `requestMany`. */
  readonly many: boolean;
  readonly timeoutMs: number;
}

/**
 * How a request ended: its reply came (`answered`), it failed with a typed error (`failed`: a
 * RemoteError, DecodeError, ProduceError, ClosedError, ...), no reply came in time (`timed-out`,
 * a RequestTimeoutError or NotReadyError), or the caller unsubscribed first (`cancelled`).
 *
 * @example
 * import { RequestOutcome } from 'pubscribe';
 *
 * const outcome: RequestOutcome = 'timed-out';
 *
 * @since 0.2.0
 * @category telemetry
 */
export type RequestOutcome = 'answered' | 'failed' | 'timed-out' | 'cancelled';

/**
 * One request, traced from its start to its end. The requester calls `sent` once the broker took
 * the request, `replied` for each reply of its own, `failed` with the error its caller receives,
 * `event` for what happens on the way (the reply consumer became ready, the timeout passed), and
 * `end` exactly once, at teardown.
 *
 * @example
 * import { RequestTrace } from 'pubscribe';
 *
 * const silent: RequestTrace = {
 *   headers: {},
 *   sent: () => undefined,
 *   replied: () => undefined,
 *   failed: () => undefined,
 *   event: () => undefined,
 *   end: () => undefined,
 * };
 *
 * @since 0.2.0
 * @category telemetry
 */
export interface RequestTrace {
  /** Headers added to the request (W3C `traceparent` and `tracestate`, say); they win over the caller's. */
  readonly headers: OutgoingHeaders;
  /** The broker acknowledged the request; `placed` says where it landed, when known. */
  sent(placed: ProducedRecord | undefined): void;
  /** A reply of this request arrived (each of them, for `requestMany`). */
  replied(record: ConsumedRecord): void;
  /** The error the caller receives. */
  failed(error: unknown): void;
  /** Something worth a mark on the request's timeline. */
  event(name: string, attributes?: TelemetryAttributes): void;
  /** The request ended; `elapsedMs` is read from the requester's scheduler. */
  end(outcome: RequestOutcome, elapsedMs: number): void;
}

/**
 * How a handler ended: its replies went out (`answered`, an error reply included), it passed its
 * deadline (`timed-out`), its replies could not be produced (`reply-failed`), or the responder
 * stopped first (`cancelled`).
 *
 * @example
 * import { HandlerOutcome } from 'pubscribe';
 *
 * const outcome: HandlerOutcome = 'answered';
 *
 * @since 0.2.0
 * @category telemetry
 */
export type HandlerOutcome = 'answered' | 'timed-out' | 'reply-failed' | 'cancelled';

/**
 * One run of a responder's handler. The handler is called (and its Observable subscribed) inside
 * `run`, so a tracing implementation can make its span the active one; `headers` go onto every
 * reply, carrying the context back to the requester.
 *
 * @example
 * import { HandlerTrace } from 'pubscribe';
 *
 * const silent: HandlerTrace = {
 *   headers: {},
 *   run: (work) => work(),
 *   failed: () => undefined,
 *   end: () => undefined,
 * };
 *
 * @since 0.2.0
 * @category telemetry
 */
export interface HandlerTrace {
  /** Headers added to each reply; they win over the request's copied `traceparent`. */
  readonly headers: OutgoingHeaders;
  /** Runs `work` in the handler's context and returns what it returns. */
  run<T>(work: () => T): T;
  /** The handler failed (or passed its deadline, or a reply could not be produced) with `error`. */
  failed(error: unknown): void;
  /** The handler's work is over; `elapsedMs` is read from the responder's scheduler. */
  end(outcome: HandlerOutcome, elapsedMs: number): void;
}

/**
 * A consumer pubscribe starts: the requester's reply consumer (`reply`), a responder's request
 * consumer (`request`), or one of `consume()` (`message`, since 0.2.0).
 *
 * @example
 * import { ConsumerStart } from 'pubscribe';
 *
 * const start: ConsumerStart = { role: 'reply', topics: ['user-created'], groupId: 'pubscribe-replies-1' };
 *
 * @since 0.2.0
 * @category telemetry
 */
export interface ConsumerStart {
  readonly role: 'reply' | 'request' | 'message';
  readonly topics: readonly string[];
  readonly groupId: string;
}

/**
 * One consumer's start, from subscribe until it is ready (positioned on every assigned
 * partition), or until it fails or stops first. `end` is called once, whichever comes first.
 *
 * @example
 * import { ConsumerTrace } from 'pubscribe';
 *
 * const silent: ConsumerTrace = { ready: () => undefined, failed: () => undefined, end: () => undefined };
 *
 * @since 0.2.0
 * @category telemetry
 */
export interface ConsumerTrace {
  /**
   * The consumer is ready at `positions`, `elapsedMs` after subscribe (scheduler time);
   * `timeline` says when each step of the start happened (undefined from a transport that does
   * not tell).
   */
  ready(positions: readonly PartitionPosition[], elapsedMs: number, timeline?: ReadyTimeline): void;
  /** The consumer failed before it was ready. */
  failed(error: unknown): void;
  /** The start is over (ready, failed or unsubscribed). */
  end(): void;
}

/**
 * The delivery of one record by `consume()`: the subscriber's `next` runs inside `run`, so a
 * tracing implementation can make the record's span the active one while the subscriber handles
 * it; `end` follows once `next` has returned.
 *
 * @example
 * import { MessageTrace } from 'pubscribe';
 *
 * const silent: MessageTrace = { run: (work) => work(), end: () => undefined };
 *
 * @since 0.2.0
 * @category telemetry
 */
export interface MessageTrace {
  /** Runs `work` in the record's context and returns what it returns. */
  run<T>(work: () => T): T;
  /** The subscriber's synchronous handling of the record is over. */
  end(): void;
}

/**
 * Why the requester dropped a reply: its request had timed out or been cancelled (`late`), had
 * been answered already (`duplicate`), or is not one of this instance's (`foreign`).
 *
 * @example
 * import { DroppedReply } from 'pubscribe';
 *
 * const reason: DroppedReply = 'late';
 *
 * @since 0.2.0
 * @category telemetry
 */
export type DroppedReply = 'late' | 'duplicate' | 'foreign';

/**
 * The hooks requesters and responders call so that tracing and metrics can be plugged in without
 * the core knowing any telemetry library. `pubscribe/opentelemetry` implements it over
 * `@opentelemetry/api`; without one, {@link noTelemetry} is used, and it does nothing.
 *
 * @example
 * import { createRequester, noTelemetry } from 'pubscribe';
 * import { inMemoryTransport } from 'pubscribe/testing';
 *
 * const requester = createRequester({
 *   transport: inMemoryTransport(),
 *   replyTopic: 'user-created',
 *   telemetry: noTelemetry,
 * });
 *
 * @since 0.2.0
 * @category telemetry
 */
export interface Telemetry {
  /** A request starts (after the in-flight limit was checked). */
  startRequest(start: RequestStart): RequestTrace;
  /** A reply nobody waits for was dropped. */
  replyDropped(reason: DroppedReply, record: ConsumedRecord): void;
  /** A responder is about to run its handler for `record`, as a member of `groupId`. */
  startHandler(record: ConsumedRecord, groupId: string): HandlerTrace;
  /** A consumer is subscribed. */
  startConsumer(start: ConsumerStart): ConsumerTrace;
  /**
   * `consume()` is about to deliver `record`, read as a member of `groupId`. Optional: without it
   * records are delivered untraced.
   *
   * @since 0.2.0
   */
  startMessage?(record: ConsumedRecord, groupId: string): MessageTrace;
}
