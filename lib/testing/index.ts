/**
 * Testing: an in-memory transport for unit and marble tests of code that uses pubscribe. It is
 * not Kafka; integration tests must use a real broker.
 */
export type { InMemoryTransport, InMemoryTransportOptions } from './in-memory-transport.js';
export { inMemoryTransport } from './in-memory-transport.js';
