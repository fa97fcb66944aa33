import { expect } from 'chai';
import { firstValueFrom } from 'rxjs';
import type { LogFields, Logger } from '../../lib/logging';
import { createRequester } from '../../lib/requester';
import { kafkajsTransport } from '../../lib/transport';
import { createTopic, uniqueName } from '../support/kafka-fixtures';
import { eventually } from '../support/test-transport';
import { testBrokers } from '../support/test-brokers';

/** A logger that keeps its warnings for assertions. */
function recordingLogger(): Logger & { readonly warnings: { message: string; fields?: LogFields }[] } {
  const warnings: { message: string; fields?: LogFields }[] = [];
  const ignore = () => undefined;
  return {
    warnings,
    debug: ignore,
    info: ignore,
    error: ignore,
    warn: (message, fields) => warnings.push({ message, fields }),
  };
}

describe('guard rail: two requesters sharing a reply group (real broker)', () => {
  it('warns through the logger, naming the group and the partitions it got', async () => {
    const replyTopic = await createTopic('shared-replies', 2);
    const groupId = uniqueName('shared-group');
    const loggers = [recordingLogger(), recordingLogger()];
    const transports = loggers.map((logger) => kafkajsTransport({ kafka: { brokers: testBrokers() }, logger }));
    const requesters = transports.map((transport) => createRequester({ transport, replyTopic, groupId }));
    try {
      await firstValueFrom(requesters[0]!.warmUp());
      expect(loggers[0]!.warnings, 'alone in its group').to.deep.equal([]);
      await firstValueFrom(requesters[1]!.warmUp());
      const warned = await eventually(async () => loggers.every((logger) => logger.warnings.length > 0), 20_000);
      expect(warned, JSON.stringify(loggers.map((logger) => logger.warnings))).to.equal(true);
      const [warning] = loggers[1]!.warnings;
      expect(warning!.message).to.contain(`Consumer group '${groupId}' has other members`);
      expect(warning!.message).to.contain('`groupId`');
      expect(warning!.fields).to.deep.include({ groupId, partitions: 2 });
    } finally {
      for (const requester of requesters) requester.close();
      await Promise.all(transports.map((transport) => transport.close()));
    }
  });

  it('a requester with its own (default) group does not warn', async () => {
    const replyTopic = await createTopic('own-replies', 2);
    const logger = recordingLogger();
    const transport = kafkajsTransport({ kafka: { brokers: testBrokers() }, logger });
    const requesters = [createRequester({ transport, replyTopic }), createRequester({ transport, replyTopic })];
    try {
      await Promise.all(requesters.map((requester) => firstValueFrom(requester.warmUp())));
      expect(logger.warnings).to.deep.equal([]);
    } finally {
      for (const requester of requesters) requester.close();
      await transport.close();
    }
  });
});
