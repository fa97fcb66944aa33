/**
 * Structured context of a log line: what a log aggregator indexes (topic, group, broker, ...).
 *
 * @example
 * import { LogFields } from 'pubscribe';
 *
 * const fields: LogFields = { topic: 'user-created', groupId: 'pubscribe-replies-1', partitions: 3 };
 *
 * @since 0.2.0
 * @category logging
 */
export type LogFields = Readonly<Record<string, unknown>>;

/**
 * Where pubscribe and its Kafka client write what they have to say: four levels, each a message
 * and a fields object. pino, winston, bunyan and console loggers fit it with at most a one-line
 * adapter; `pubscribe/nest` adapts Nest's `Logger`.
 *
 * @example
 * import { kafkajsTransport, Logger, LogFields } from 'pubscribe';
 *
 * // JSON lines on standard error; with pino it would be `(message, fields) => log.warn(fields, message)`.
 * const line = (level: string) => (message: string, fields?: LogFields) =>
 *   console.error(JSON.stringify({ level, message, ...fields }));
 * const logger: Logger = { debug: () => undefined, info: line('info'), warn: line('warn'), error: line('error') };
 * const transport = kafkajsTransport({ kafka: { brokers: ['127.0.0.1:9092'] }, logger });
 *
 * @since 0.2.0
 * @category logging
 */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/**
 * A level of {@link Logger}, from the most to the least verbose.
 *
 * @example
 * import { LogLevel } from 'pubscribe';
 *
 * const level: LogLevel = 'info';
 *
 * @since 0.2.0
 * @category logging
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const ranks: Readonly<Record<LogLevel, number>> = { debug: 0, info: 1, warn: 2, error: 3 };

function describeFields(fields: LogFields | undefined): string {
  if (!fields || Object.keys(fields).length === 0) return '';
  try {
    return ` ${JSON.stringify(fields, (_key, value: unknown) => (typeof value === 'bigint' ? String(value) : value))}`;
  } catch {
    return ' [fields not serialisable]';
  }
}

/**
 * A logger that writes one line per entry to standard error (never standard output, which belongs
 * to the application), from `level` up: `pubscribe WARN <message> {"fields":...}`. Without a
 * `logger` option pubscribe uses `stderrLogger('warn')`.
 *
 * @example
 * import { kafkajsTransport, stderrLogger } from 'pubscribe';
 *
 * // Also show kafkajs's group joins and pubscribe's informational lines.
 * const transport = kafkajsTransport({ kafka: { brokers: ['127.0.0.1:9092'] }, logger: stderrLogger('info') });
 *
 * @param level the least severe level written; default `'warn'`
 * @returns a logger writing to `process.stderr`
 * @since 0.2.0
 * @category logging
 */
export function stderrLogger(level: LogLevel = 'warn'): Logger {
  if (!(level in ranks)) throw new RangeError(`stderrLogger: unknown level ${JSON.stringify(level)}.`);
  const write =
    (entryLevel: LogLevel) =>
    (message: string, fields?: LogFields): void => {
      if (ranks[entryLevel] < ranks[level]) return;
      process.stderr.write(`pubscribe ${entryLevel.toUpperCase()} ${message}${describeFields(fields)}\n`);
    };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}

/**
 * A logger that drops everything, for tests and for applications that watch pubscribe through
 * its events and errors only.
 *
 * @example
 * import { kafkajsTransport, silentLogger } from 'pubscribe';
 *
 * const transport = kafkajsTransport({ kafka: { brokers: ['127.0.0.1:9092'] }, logger: silentLogger });
 *
 * @since 0.2.0
 * @category logging
 */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
