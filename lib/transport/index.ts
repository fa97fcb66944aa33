export * from './records.js';
export * from './transport.js';
export type { ReadyTimeline } from './ready-timeline.js';
export { kafkajsTransport } from './kafkajs/kafkajs-transport.js';
export type { KafkajsTransportOptions } from './kafkajs/kafkajs-transport.js';
export type { ProduceRetryOptions } from './bounded-producer/produce-retry.js';
export { DEFAULT_MAX_MESSAGE_BYTES, recordBatchBytes } from './record-size.js';
export type { EnsureTopicsResult, TopicSpec } from './topic-spec.js';
export { ensureTopics } from './ensure-topics.js';
