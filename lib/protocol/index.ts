export * from './end-marker.js';
export * from './error-reply.js';
