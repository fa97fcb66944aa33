export * from './pub-scribe.js';
