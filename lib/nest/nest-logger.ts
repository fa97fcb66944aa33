import { Logger as NestLogger } from '@nestjs/common';
import type { LogFields, Logger } from '../logging/index.js';

const withFields = (message: string, fields: LogFields | undefined): string =>
  fields && Object.keys(fields).length > 0 ? `${message} ${safeJson(fields)}` : message;

function safeJson(fields: LogFields): string {
  try {
    return JSON.stringify(fields, (_key, value: unknown) => (typeof value === 'bigint' ? String(value) : value));
  } catch {
    return '[fields not serialisable]';
  }
}

/**
 * A pubscribe {@link Logger} that writes through Nest's `Logger`, so pubscribe's and kafkajs's
 * lines appear with the application's own, in its format and at its log levels (`info` is Nest's
 * `log`). The NestJS integration uses it for the transports it creates (context `PubScribe`);
 * pass it yourself to a transport you create.
 *
 * @example
 * import { kafkajsTransport } from 'pubscribe';
 * import { nestLogger } from 'pubscribe/nest';
 *
 * const transport = kafkajsTransport({ kafka: { brokers: ['127.0.0.1:9092'] }, logger: nestLogger('Kafka') });
 *
 * @param context the context Nest prints beside each line; default `'PubScribe'`
 * @returns a logger backed by `new Logger(context)` from `@nestjs/common`
 * @since 0.2.0
 * @category nest
 */
export function nestLogger(context = 'PubScribe'): Logger {
  const logger = new NestLogger(context);
  return {
    debug: (message, fields) => logger.debug(withFields(message, fields)),
    info: (message, fields) => logger.log(withFields(message, fields)),
    warn: (message, fields) => logger.warn(withFields(message, fields)),
    error: (message, fields) => logger.error(withFields(message, fields)),
  };
}
