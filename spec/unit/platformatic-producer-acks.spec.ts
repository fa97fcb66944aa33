import { expect } from 'chai';
import { ProduceAcks, type Producer } from '@platformatic/kafka';
import { asyncScheduler } from 'rxjs';
import { BoundedProducer } from '../../lib/transport/bounded-producer/bounded-producer';
import { PlatformaticProducerClient } from '../../lib/transport/platformatic/platformatic-producer-client';
import { MissingTopics } from '../../lib/transport/topic-health';
import { factsOf } from '../support/held-producer';

type Sent = { readonly acks?: number; readonly messages: readonly unknown[] };

/** Just enough of a @platformatic/kafka Producer to see what each send asks for. */
function recordingClient(sent: Sent[]): Producer<Buffer, Buffer, Buffer, Buffer> {
  const client = {
    send: async (options: Sent) => {
      sent.push(options);
      return { offsets: [{ topic: 't', partition: 0, offset: 7n }] };
    },
    close: async () => undefined,
  };
  return client as unknown as Producer<Buffer, Buffer, Buffer, Buffer>;
}

describe('PlatformaticProducerClient acknowledgement', () => {
  // @platformatic/kafka 1.35 asks the leader only (acks=1) on a send that does not name acks,
  // whatever the producer was constructed with: the transport must name them on every send.
  for (const acks of [ProduceAcks.ALL, ProduceAcks.LEADER]) {
    it(`names acks=${acks} on every send`, async () => {
      const sent: Sent[] = [];
      const producer = new BoundedProducer(
        new PlatformaticProducerClient(recordingClient(sent), acks),
        factsOf({ t: { partitions: 1 } }),
        new MissingTopics(asyncScheduler),
        { scheduler: asyncScheduler, maxInFlight: 1, maxRequestBytes: 1 << 20 },
      );
      const [first] = await producer.produce([{ topic: 't', key: 'k', value: 'a' }]);
      await producer.produce([{ topic: 't', key: 'k', value: 'b' }]);
      expect(first).to.deep.equal({ topic: 't', partition: 0, offset: '7' });
      expect(sent.map((options) => options.acks)).to.deep.equal([acks, acks]);
      await producer.disconnect();
    });
  }
});
