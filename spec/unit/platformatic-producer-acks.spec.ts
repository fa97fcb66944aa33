import { expect } from 'chai';
import { ProduceAcks, type Producer } from '@platformatic/kafka';
import { asyncScheduler } from 'rxjs';
import { MissingTopics } from '../../lib/transport/topic-health';
import { PlatformaticProducer } from '../../lib/transport/platformatic/platformatic-producer';

type Sent = { readonly acks?: number; readonly messages: readonly unknown[] };

/** Just enough of a @platformatic/kafka Producer to see what each send asks for. */
function recordingClient(sent: Sent[]): Producer<Buffer, Buffer, Buffer, Buffer> {
  const client = {
    metadata: async () => ({ topics: new Map([['t', { partitionsCount: 1 }]]) }),
    send: async (options: Sent) => {
      sent.push(options);
      return { offsets: [{ topic: 't', partition: 0, offset: 7n }] };
    },
    close: async () => undefined,
  };
  return client as unknown as Producer<Buffer, Buffer, Buffer, Buffer>;
}

describe('PlatformaticProducer acknowledgement', () => {
  // @platformatic/kafka 1.35 asks the leader only (acks=1) on a send that does not name acks,
  // whatever the producer was constructed with: the transport must name them on every send.
  for (const acks of [ProduceAcks.ALL, ProduceAcks.LEADER]) {
    it(`names acks=${acks} on every send`, async () => {
      const sent: Sent[] = [];
      const producer = new PlatformaticProducer(recordingClient(sent), new MissingTopics(asyncScheduler), {
        maxInFlight: 1,
        maxBatchBytes: 1_048_576,
        acks,
      });
      const [first] = await producer.produce([{ topic: 't', key: 'k', value: 'a' }]);
      await producer.produce([{ topic: 't', key: 'k', value: 'b' }]);
      expect(first).to.deep.equal({ topic: 't', partition: 0, offset: '7' });
      expect(sent.map((options) => options.acks)).to.deep.equal([acks, acks]);
    });
  }
});
