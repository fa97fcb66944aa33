export { consume } from './consume.js';
export type { ConsumeOptions } from './consume.js';
export * from './consumer-events.js';
export * from './consumer-event-guards.js';
export * from './decoded-values.js';
