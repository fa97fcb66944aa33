export * from './records';
export * from './transport';
export { kafkajsTransport } from './kafkajs/kafkajs-transport';
export type { KafkajsTransportOptions } from './kafkajs/kafkajs-transport';
