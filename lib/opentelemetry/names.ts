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
