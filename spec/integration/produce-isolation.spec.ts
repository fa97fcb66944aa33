import { expect } from 'chai';
import { isConnectionError, isProduceError } from '../../lib/errors';
import { createTopic, uniqueName } from '../support/kafka-fixtures';
import { realTransport, realTransportKinds } from '../support/transport-kinds';

for (const { name: kind } of realTransportKinds) {
  describe(`producing to a bad topic (real broker, ${kind})`, () => {
    it('fails only the records of that topic, and fails fast the next time', async () => {
      const good = await createTopic('good', 1);
      const missing = uniqueName('missing');
      const transport = realTransport(kind);
      try {
        const [ok, bad] = await Promise.allSettled([
          transport.produce([{ topic: good, value: 'a' }]),
          transport.produce([{ topic: missing, value: 'b' }]),
        ]);
        expect(ok.status).to.equal('fulfilled');
        expect(bad.status).to.equal('rejected');
        const reason = bad.status === 'rejected' ? bad.reason : undefined;
        expect(isConnectionError(reason), String(reason)).to.equal(true);
        expect(reason).to.include({ reason: 'unknown-topic', topic: missing });

        const started = Date.now();
        const again = await transport.produce([{ topic: missing, value: 'c' }]).catch((error: unknown) => error);
        expect(isConnectionError(again)).to.equal(true);
        expect(Date.now() - started, 'a known-missing topic fails at once').to.be.below(100);

        const illegal = await transport
          .produce([{ topic: 'not a topic!', value: 'd' }])
          .catch((error: unknown) => error);
        expect(isProduceError(illegal)).to.equal(true);
        expect(illegal).to.include({ retriable: false });
      } finally {
        await transport.close();
      }
    });
  });
}
