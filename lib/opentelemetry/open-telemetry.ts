import {
  Attributes,
  context,
  Context,
  MeterProvider,
  metrics,
  propagation,
  Span,
  SpanKind,
  SpanStatusCode,
  trace,
  Tracer,
  TracerProvider,
} from '@opentelemetry/api';
import { isRemoteError } from '../errors/index.js';
import { CORRELATION_ID_HEADER, headerString, OutgoingHeaders } from '../headers/index.js';
import type {
  ConsumerStart,
  ConsumerTrace,
  DroppedReply,
  HandlerTrace,
  MessageTrace,
  RequestStart,
  RequestTrace,
  Telemetry,
} from '../telemetry/telemetry.js';
import type { ConsumedRecord } from '../transport/records.js';
import { monotonicWallClock } from '../time/wall-clock.js';
import { outgoingSetter, recordGetter } from './header-carriers.js';
import { timelineOnSpan } from './timeline-on-span.js';
import { createInstruments, Instruments } from './instruments.js';
import { ATTRIBUTE_NAMES as A, CONSUMER_START_EVENTS as E, INSTRUMENTATION_NAME } from './names.js';

/**
 * Options of {@link openTelemetry}.
 *
 * @example
 * import { trace } from '@opentelemetry/api';
 * import { OpenTelemetryOptions } from 'pubscribe/opentelemetry';
 *
 * const options: OpenTelemetryOptions = { tracerProvider: trace.getTracerProvider() };
 *
 * @since 0.2.0
 * @category opentelemetry
 */
export interface OpenTelemetryOptions {
  /** Where spans go. Default the global one (`trace.getTracerProvider()`). */
  readonly tracerProvider?: TracerProvider;
  /**
   * Where metrics go. Default the global one, as it is when `openTelemetry()` is called: register
   * your MeterProvider first (OpenTelemetry's metrics API has no proxy that would find it later).
   */
  readonly meterProvider?: MeterProvider;
}

const seconds = (ms: number): number => ms / 1000;

function keyText(key: string | Buffer | null): string | undefined {
  if (key === null) return undefined;
  return typeof key === 'string' ? key : key.toString('utf8');
}

/** The error's class name (`RemoteError`, `RequestTimeoutError`, ...), as `error.type` wants it. */
function errorType(error: unknown): string {
  if (error instanceof Error) return error.name;
  return typeof error === 'object' && error !== null ? 'object' : typeof error;
}

function recordError(span: Span, error: unknown): string {
  const type = errorType(error);
  span.recordException(error instanceof Error ? error : { name: type, message: String(error) });
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
  span.setAttribute(A.errorType, type);
  if (isRemoteError(error) && error.remoteName !== undefined) span.setAttribute(A.remoteErrorName, error.remoteName);
  return type;
}

function injected(active: Context): OutgoingHeaders {
  const headers: Record<string, string | Buffer> = {};
  propagation.inject(active, headers, outgoingSetter);
  return headers;
}

function requestTrace(tracer: Tracer, instruments: Instruments, start: RequestStart): RequestTrace {
  const destination = { [A.destination]: start.topic };
  const key = keyText(start.key);
  const attributes: Attributes = {
    [A.system]: 'kafka',
    [A.destination]: start.topic,
    [A.operationType]: 'send',
    [A.operationName]: 'send',
    [A.conversationId]: start.correlationId,
    [A.replyTopic]: start.replyTopic,
    [A.timeoutMs]: start.timeoutMs,
    ...(key === undefined ? {} : { [A.messageKey]: key }),
    ...(start.partition === undefined ? {} : { [A.partition]: String(start.partition) }),
  };
  const parent = context.active();
  const span = tracer.startSpan(`send ${start.topic}`, { kind: SpanKind.PRODUCER, attributes }, parent);
  instruments.requestsInFlight.add(1, destination);
  let failure: string | undefined;
  // A produce acknowledged after the reply, or failing after the timeout, comes too late to record.
  let ended = false;
  return {
    headers: injected(trace.setSpan(parent, span)),
    sent(placed) {
      if (ended) return;
      if (placed?.partition !== undefined) span.setAttribute(A.partition, String(placed.partition));
      // The base offset of the produced batch: the record's own offset only when it was alone in it.
      if (placed?.offset !== undefined) span.setAttribute(A.batchBaseOffset, Number(placed.offset));
    },
    replied(record) {
      if (ended) return;
      span.addEvent('reply', {
        [A.destination]: record.topic,
        [A.partition]: String(record.partition),
        [A.offset]: Number(record.offset),
      });
      // The reply carries the responder's context back: link the handler's span.
      const replyContext = trace.getSpanContext(propagation.extract(context.active(), record.headers, recordGetter));
      if (replyContext && trace.isSpanContextValid(replyContext)) span.addLink({ context: replyContext });
    },
    failed(error) {
      if (!ended) failure = recordError(span, error);
    },
    event(name, eventAttributes) {
      if (!ended) span.addEvent(name, eventAttributes);
    },
    end(outcome, elapsedMs) {
      if (ended) return;
      ended = true;
      span.setAttribute(A.outcome, outcome);
      span.end();
      const measured = { ...destination, [A.outcome]: outcome, ...(failure ? { [A.errorType]: failure } : {}) };
      instruments.requestDuration.record(seconds(elapsedMs), measured);
      instruments.requestsInFlight.add(-1, destination);
      if (outcome === 'timed-out') {
        instruments.requestTimeouts.add(1, { ...destination, ...(failure ? { [A.errorType]: failure } : {}) });
      }
    },
  };
}

function handlerTrace(tracer: Tracer, instruments: Instruments, record: ConsumedRecord, groupId: string): HandlerTrace {
  const key = record.key === null ? undefined : record.key.toString('utf8');
  const correlation = headerString(record.headers, CORRELATION_ID_HEADER);
  const attributes: Attributes = {
    [A.system]: 'kafka',
    [A.destination]: record.topic,
    [A.operationType]: 'process',
    [A.operationName]: 'process',
    [A.partition]: String(record.partition),
    [A.offset]: Number(record.offset),
    [A.consumerGroup]: groupId,
    ...(key === undefined ? {} : { [A.messageKey]: key }),
    ...(correlation._tag === 'Some' ? { [A.conversationId]: correlation.value } : {}),
  };
  // The request's context (its `traceparent`) is the parent: the handler is a child of the request.
  const parent = propagation.extract(context.active(), record.headers, recordGetter);
  const span = tracer.startSpan(`process ${record.topic}`, { kind: SpanKind.CONSUMER, attributes }, parent);
  const active = trace.setSpan(parent, span);
  let failure: string | undefined;
  return {
    headers: injected(active),
    run: (work) => context.with(active, work),
    failed(error) {
      failure = recordError(span, error);
    },
    end(outcome, elapsedMs) {
      span.setAttribute(A.outcome, outcome);
      span.end();
      instruments.handlerDuration.record(seconds(elapsedMs), {
        [A.destination]: record.topic,
        [A.consumerGroup]: groupId,
        [A.outcome]: outcome,
        ...(failure ? { [A.errorType]: failure } : {}),
      });
    },
  };
}

function consumerTrace(tracer: Tracer, instruments: Instruments, start: ConsumerStart): ConsumerTrace {
  const attributes: Attributes = {
    [A.system]: 'kafka',
    [A.destination]: start.topics.join(','),
    [A.consumerGroup]: start.groupId,
    [A.consumerRole]: start.role,
  };
  // The span keeps time on a clock like the transports' timelines, so their moments fit in it.
  const clock = monotonicWallClock();
  const startTime = clock();
  const span = tracer.startSpan(
    `start ${start.role} consumer`,
    { kind: SpanKind.INTERNAL, attributes, startTime },
    context.active(),
  );
  return {
    ready(positions, elapsedMs, timeline) {
      const now = clock();
      const at = timeline ? timelineOnSpan(timeline, startTime, now) : () => now;
      // Each step at its own moment, so a trace viewer shows where the start spent its time.
      if (timeline) {
        span.addEvent(E.logEndsRead, at(timeline.logEndsReadAt));
        span.addEvent(E.joinStarted, at(timeline.joinStartedAt));
        span.addEvent(E.assigned, { 'pubscribe.partitions': positions.length }, at(timeline.assignedAt));
        span.addEvent(E.positioned, at(timeline.positionedAt));
      }
      span.addEvent(
        E.ready,
        {
          'pubscribe.partitions': positions.length,
          'pubscribe.positions': positions.map((p) => `${p.topic}/${p.partition}@${p.offset}`).join(' '),
        },
        at(timeline?.readyAt ?? now),
      );
      instruments.consumerReadyTime.record(seconds(elapsedMs), attributes);
    },
    failed(error) {
      recordError(span, error);
    },
    end() {
      span.end(clock());
    },
  };
}

function messageTrace(tracer: Tracer, record: ConsumedRecord, groupId: string): MessageTrace {
  const key = record.key === null ? undefined : record.key.toString('utf8');
  const attributes: Attributes = {
    [A.system]: 'kafka',
    [A.destination]: record.topic,
    [A.operationType]: 'process',
    [A.operationName]: 'process',
    [A.partition]: String(record.partition),
    [A.offset]: Number(record.offset),
    [A.consumerGroup]: groupId,
    ...(key === undefined ? {} : { [A.messageKey]: key }),
  };
  // Whoever produced the record (a handler's context.send, say) is the parent.
  const parent = propagation.extract(context.active(), record.headers, recordGetter);
  const span = tracer.startSpan(`process ${record.topic}`, { kind: SpanKind.CONSUMER, attributes }, parent);
  const active = trace.setSpan(parent, span);
  return {
    run: (work) => context.with(active, work),
    end: () => span.end(),
  };
}

function dropped(tracer: Tracer, instruments: Instruments, reason: DroppedReply, record: ConsumedRecord): void {
  instruments.repliesDropped.add(1, { [A.destination]: record.topic, [A.reason]: reason });
  // Another instance's reply is none of this one's business: counted, not traced.
  if (reason === 'foreign') return;
  // The request's span has ended by now; a short span in the reply's trace (the request's) marks it.
  const parent = propagation.extract(context.active(), record.headers, recordGetter);
  const span = tracer.startSpan(
    `drop ${record.topic}`,
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        [A.system]: 'kafka',
        [A.destination]: record.topic,
        [A.partition]: String(record.partition),
        [A.offset]: Number(record.offset),
        [A.reason]: reason,
      },
    },
    parent,
  );
  span.addEvent(`${reason} reply`);
  span.end();
}

/**
 * pubscribe's {@link Telemetry} over `@opentelemetry/api`: a span per request (`send <topic>`,
 * kind PRODUCER) whose W3C context the request carries in `traceparent`/`tracestate` through the
 * global propagator; the responder's handler in a child span (`process <topic>`, kind CONSUMER)
 * extracted from them, with the handler's code running in its context and the replies carrying it
 * back; typed errors recorded with their names (`error.type`); timeouts as span events; the start
 * of each consumer (`start reply consumer`, `start request consumer`, `start message consumer`)
 * from subscribe to ready, its steps as events ({@link CONSUMER_START_EVENTS}); each record
 * `consume()` delivers in a span of its own (`process <topic>`, kind CONSUMER).
 * Attributes follow OpenTelemetry's messaging semantic conventions. Metrics: see
 * {@link METRIC_NAMES}. Without an SDK registered, every call goes to the API's no-op.
 *
 * @example
 * import { createRequester, kafkajsTransport } from 'pubscribe';
 * import { openTelemetry } from 'pubscribe/opentelemetry';
 *
 * const transport = kafkajsTransport({ kafka: { clientId: 'graphql-1', brokers: ['127.0.0.1:9092'] } });
 * const requester = createRequester({ transport, replyTopic: 'user-created', telemetry: openTelemetry() });
 *
 * @param options the tracer and meter providers; default the global ones
 * @returns a telemetry to pass to `createRequester`, `serve`, `PubScribeModule` or `PubScribeServer`
 * @since 0.2.0
 * @category opentelemetry
 */
export function openTelemetry(options: OpenTelemetryOptions = {}): Telemetry {
  const tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer(INSTRUMENTATION_NAME);
  const instruments = createInstruments(
    (options.meterProvider ?? metrics.getMeterProvider()).getMeter(INSTRUMENTATION_NAME),
  );
  return {
    startRequest: (start) => requestTrace(tracer, instruments, start),
    replyDropped: (reason, record) => dropped(tracer, instruments, reason, record),
    startHandler: (record, groupId) => handlerTrace(tracer, instruments, record, groupId),
    startConsumer: (start) => consumerTrace(tracer, instruments, start),
    startMessage: (record, groupId) => messageTrace(tracer, record, groupId),
  };
}
