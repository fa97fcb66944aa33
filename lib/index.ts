/**
 * pubscribe: request/reply over Apache Kafka that feels synchronous, built the RxJS way.
 *
 * This module only re-exports the public API.
 */
export * from './errors';
export * from './codecs';
export * from './headers';
export * from './transport';
export * from './consume';
