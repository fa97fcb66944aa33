export * from './handler-result.js';
export * from './handler-timeout-error.js';
export * from './responder-events.js';
export * from './serve.js';
