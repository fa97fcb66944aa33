/**
 * The instrumentation scope of pubscribe's tracer and meter.
 *
 * @example
 * import { trace } from '@opentelemetry/api';
 * import { INSTRUMENTATION_NAME } from 'pubscribe/opentelemetry';
 *
 * const tracer = trace.getTracer(INSTRUMENTATION_NAME);
 *
 * @since 0.2.0
 * @category opentelemetry
 */
export const INSTRUMENTATION_NAME = 'pubscribe';

/**
 * The names of the metrics `openTelemetry()` records, and their units (UCUM, as OpenTelemetry's
 * semantic conventions write them: durations in seconds, `s`).
 *
 * | name | instrument | unit | attributes |
 * | --- | --- | --- | --- |
 * | `pubscribe.request.duration` | histogram | `s` | destination, `pubscribe.outcome`, `error.type` |
 * | `pubscribe.requests.in_flight` | up-down counter | `{request}` | destination |
 * | `pubscribe.request.timeouts` | counter | `{request}` | destination, `error.type` |
 * | `pubscribe.replies.dropped` | counter | `{reply}` | destination (reply topic), `pubscribe.reason` |
 * | `pubscribe.handler.duration` | histogram | `s` | destination, consumer group, `pubscribe.outcome`, `error.type` |
 * | `pubscribe.consumer.ready_time` | histogram | `s` | destination, consumer group, `pubscribe.consumer.role` |
 *
 * @example
 * import { METRIC_NAMES } from 'pubscribe/opentelemetry';
 *
 * const histogram = METRIC_NAMES.requestDuration; // 'pubscribe.request.duration'
 *
 * @since 0.2.0
 * @category opentelemetry
 */
export const METRIC_NAMES = {
  requestDuration: 'pubscribe.request.duration',
  requestsInFlight: 'pubscribe.requests.in_flight',
  requestTimeouts: 'pubscribe.request.timeouts',
  repliesDropped: 'pubscribe.replies.dropped',
  handlerDuration: 'pubscribe.handler.duration',
  consumerReadyTime: 'pubscribe.consumer.ready_time',
} as const;

/**
 * The span attribute and event names `openTelemetry()` writes: OpenTelemetry's messaging semantic
 * conventions where they have a name, `pubscribe.*` where they do not.
 *
 * @example
 * import { ATTRIBUTE_NAMES } from 'pubscribe/opentelemetry';
 *
 * const key = ATTRIBUTE_NAMES.conversationId; // 'messaging.message.conversation_id'
 *
 * @since 0.2.0
 * @category opentelemetry
 */
export const ATTRIBUTE_NAMES = {
  system: 'messaging.system',
  destination: 'messaging.destination.name',
  partition: 'messaging.destination.partition.id',
  operationType: 'messaging.operation.type',
  operationName: 'messaging.operation.name',
  messageKey: 'messaging.kafka.message.key',
  offset: 'messaging.kafka.offset',
  conversationId: 'messaging.message.conversation_id',
  consumerGroup: 'messaging.consumer.group.name',
  errorType: 'error.type',
  outcome: 'pubscribe.outcome',
  replyTopic: 'pubscribe.reply_topic',
  remoteErrorName: 'pubscribe.remote_error.name',
  reason: 'pubscribe.reason',
  consumerRole: 'pubscribe.consumer.role',
  timeoutMs: 'pubscribe.timeout_ms',
  batchBaseOffset: 'pubscribe.batch_base_offset',
} as const;

/**
 * The events of a consumer's start span (`start reply consumer`, `start request consumer`), one per
 * step of the transport's `ReadyTimeline`, each at the moment the step happened. The gap between
 * `partitions assigned` and `ready` is the seed article's figure 4: a consumer Kafka calls started
 * that has no fixed position yet.
 *
 * | event | when | attributes |
 * | --- | --- | --- |
 * | `log ends read` | the log ends (or starts) of the subscribed partitions were read | |
 * | `group join started` | the consumer began to connect and join its group | |
 * | `partitions assigned` | the group coordinator gave this member its partitions | |
 * | `positions fixed` | every assigned partition had a fixed numeric start position | |
 * | `ready` | `ready` was emitted | `pubscribe.partitions`, `pubscribe.positions` |
 *
 * A transport whose `ready` carries no timeline gives the span its `ready` event alone.
 *
 * @example
 * import { CONSUMER_START_EVENTS } from 'pubscribe/opentelemetry';
 *
 * const gapStart = CONSUMER_START_EVENTS.assigned; // 'partitions assigned'
 *
 * @since 0.2.0
 * @category opentelemetry
 */
export const CONSUMER_START_EVENTS = {
  logEndsRead: 'log ends read',
  joinStarted: 'group join started',
  assigned: 'partitions assigned',
  positioned: 'positions fixed',
  ready: 'ready',
} as const;
