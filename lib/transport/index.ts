export * from './records.js';
export * from './transport.js';
export { kafkajsTransport } from './kafkajs/kafkajs-transport.js';
export type { KafkajsTransportOptions } from './kafkajs/kafkajs-transport.js';
export type { EnsureTopicsResult, TopicSpec } from './topic-spec.js';
export { ensureTopics } from './ensure-topics.js';
