import { expect } from 'chai';
import { firstValueFrom } from 'rxjs';
import { stringCodec } from '../../lib/codecs';
import { consume } from '../../lib/consume';
import { isConnectionError } from '../../lib/errors';
import { kafkajsTransport } from '../../lib/transport';
import { uniqueName } from '../support/kafka-fixtures';
import { testTransport } from '../support/test-transport';

describe('consumer failures (real broker)', () => {
  it('a consumer that cannot start (the topic does not exist) errors with a typed ConnectionError', async () => {
    const transport = testTransport();
    try {
      const started = Date.now();
      const error = await firstValueFrom(
        consume(transport, { topic: uniqueName('missing'), codec: stringCodec }),
      ).catch((caught: unknown) => caught);
      expect(isConnectionError(error), String(error)).to.equal(true);
      expect(error)
        .to.have.property('topic')
        .that.matches(/^missing-/);
      console.log(`      failed after ${Date.now() - started} ms: ${(error as Error).message.split('\n')[0]}`);
    } finally {
      await transport.close();
    }
  });

  it('a broker nobody listens on: a typed, retriable ConnectionError, no hang', async () => {
    const transport = kafkajsTransport({
      kafka: {
        clientId: 'nowhere',
        brokers: ['127.0.0.1:1'],
        connectionTimeout: 200,
        retry: { retries: 1, initialRetryTime: 50 },
        logLevel: 0,
      },
    });
    try {
      const error = await firstValueFrom(consume(transport, { topic: 'any', codec: stringCodec })).catch(
        (caught: unknown) => caught,
      );
      expect(isConnectionError(error), String(error)).to.equal(true);
      expect(error).to.include({ retriable: true, reason: 'network' });
    } finally {
      await transport.close();
    }
  });
});
