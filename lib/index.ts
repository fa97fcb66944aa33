/**
 * pubscribe: request/reply over Apache Kafka that feels synchronous, built the RxJS way.
 *
 * This module only re-exports the public API.
 */
export const VERSION = '0.1.0';
