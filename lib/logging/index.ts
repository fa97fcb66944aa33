/**
 * Logging: a small logger interface, a standard-error logger (the default) and a silent one.
 */
export type { LogFields, Logger, LogLevel } from './logger.js';
export { silentLogger, stderrLogger } from './logger.js';
