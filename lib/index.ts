/**
 * pubscribe: request/reply over Apache Kafka that feels synchronous, built the RxJS way.
 *
 * This module only re-exports the public API. Test aids (the in-memory transport) live in
 * `pubscribe/testing`, NestJS support in `pubscribe/nest`.
 */
export * from './errors/index.js';
export * from './logging/index.js';
export * from './codecs/index.js';
export * from './headers/index.js';
export * from './transport/index.js';
export * from './consume/index.js';
export * from './requester/index.js';
export * from './pubscribe/index.js';
export * from './responder/index.js';
export * from './fp/index.js';
export * from './telemetry/index.js';
