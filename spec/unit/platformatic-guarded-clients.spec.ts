import { expect } from 'chai';
import { kGetConnection, NetworkError, type Broker, type Connection } from '@platformatic/kafka';
import { GuardedConsumer, GuardedProducer } from '../../lib/transport/platformatic/guarded-clients';

const options = { clientId: 'guarded', bootstrapBrokers: ['127.0.0.1:1'] };

describe('platformatic guarded clients', () => {
  for (const [name, make] of [
    ['consumer', () => new GuardedConsumer({ ...options, groupId: 'guarded' })],
    ['producer', () => new GuardedProducer(options)],
  ] as const) {
    it(`${name}: a broker missing from the metadata is a retriable NetworkError, not a TypeError thrown in a callback`, async () => {
      const client = make();
      let cleared = 0;
      const clearMetadata = client.clearMetadata.bind(client);
      client.clearMetadata = () => {
        cleared += 1;
        clearMetadata();
      };
      try {
        const error = await new Promise<Error | null>((resolve) => {
          client[kGetConnection](undefined as unknown as Broker, (failure: Error | null, _connection?: Connection) =>
            resolve(failure),
          );
        });
        expect(error).to.be.instanceOf(NetworkError);
        expect((error as NetworkError & { canRetry: boolean }).canRetry).to.equal(true);
        expect(error?.message).to.match(/not in the cached metadata/);
        expect(cleared, 'stale metadata dropped').to.equal(1);
      } finally {
        await client.close(true);
      }
    });
  }
});
