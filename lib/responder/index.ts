export * from './responder-events.js';
export * from './serve.js';
