export * from './task-either.js';
