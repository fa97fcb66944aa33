export * from './consume';
export * from './consumer-events';
export * from './consumer-event-guards';
export * from './decoded-values';
