export * from './correlation-id.js';
export * from './request-spec.js';
export * from './requester.js';
export type { ReplyPartitionEncoding } from './reply-partition-encoding.js';
export * from './requester-metrics.js';
