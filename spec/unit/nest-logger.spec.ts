import 'reflect-metadata';
import { ConsoleLogger, Logger, LoggerService } from '@nestjs/common';
import { expect } from 'chai';
import { nestLogger } from '../../lib/nest';

describe('nestLogger', () => {
  afterEach(() => Logger.overrideLogger(new ConsoleLogger()));

  it("writes through Nest's Logger with its context, info as log, fields appended as JSON", () => {
    const lines: string[] = [];
    const capture =
      (level: string) =>
      (message: unknown, context?: unknown): void => {
        lines.push(`${level} [${String(context)}] ${String(message)}`);
      };
    const service: LoggerService = {
      log: capture('log'),
      warn: capture('warn'),
      // Nest's error takes (message, stack, context).
      error: (message: unknown, _stack?: unknown, context?: unknown) => capture('error')(message, context),
      debug: capture('debug'),
      verbose: capture('verbose'),
    };
    Logger.overrideLogger(service);
    const logger = nestLogger('Kafka');
    logger.info('joined', { groupId: 'g' });
    logger.warn('group shared');
    logger.error('gone', {});
    logger.debug('detail', { offset: 5n });
    expect(lines).to.deep.equal([
      'log [Kafka] joined {"groupId":"g"}',
      'warn [Kafka] group shared',
      'error [Kafka] gone',
      'debug [Kafka] detail {"offset":"5"}',
    ]);
  });
});
