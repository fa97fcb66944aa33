import { expect } from 'chai';
import { ProduceAcks, type Producer } from '@platformatic/kafka';
import { asyncScheduler } from 'rxjs';
import { BoundedProducer } from '../../lib/transport/bounded-producer/bounded-producer';
import { PlatformaticProducerClient } from '../../lib/transport/platformatic/platformatic-producer-client';
import { MissingTopics } from '../../lib/transport/topic-health';
import { factsOf } from '../support/held-producer';

type Sent = { readonly acks?: number; readonly messages: readonly unknown[] };

type Metadata = { topics: Map<string, { partitionsCount: number }> };

/**
 * Just enough of a @platformatic/kafka Producer to see what each send asks for. Its cached
 * metadata lists `cached` partitions of topic t; a forced lookup finds `actual` (and is counted).
 */
function recordingClient(
  sent: Sent[],
  partitions: { cached: number; actual: number } = { cached: 1, actual: 1 },
  lookups: string[][] = [],
): Producer<Buffer, Buffer, Buffer, Buffer> {
  let current: Metadata = { topics: new Map([['t', { partitionsCount: partitions.cached }]]) };
  const client = {
    send: async (options: Sent) => {
      sent.push(options);
      return { offsets: [{ topic: 't', partition: 0, offset: 7n }] };
    },
    get currentMetadata() {
      return current;
    },
    metadata: async (options: { topics: string[]; forceUpdate?: boolean }) => {
      lookups.push(options.topics);
      current = { topics: new Map([['t', { partitionsCount: partitions.actual }]]) };
      return current;
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

describe('PlatformaticProducerClient and partitions added to a topic', () => {
  // @platformatic/kafka 1.35 takes a record's partition modulo the partition count it has cached:
  // a record for a partition added since would land on another partition, silently.
  const producerOn = (client: Producer<Buffer, Buffer, Buffer, Buffer>, partitions: number) =>
    new BoundedProducer(
      new PlatformaticProducerClient(client, ProduceAcks.ALL),
      factsOf({ t: { partitions } }),
      new MissingTopics(asyncScheduler),
      { scheduler: asyncScheduler, maxInFlight: 1, maxRequestBytes: 1 << 20 },
    );

  it('a partition its cached metadata does not list: fetched afresh, then sent', async () => {
    const sent: Sent[] = [];
    const lookups: string[][] = [];
    const producer = producerOn(recordingClient(sent, { cached: 2, actual: 4 }, lookups), 4);
    await producer.produce([{ topic: 't', partition: 1, value: 'listed' }]);
    expect(lookups).to.deep.equal([]);
    await producer.produce([{ topic: 't', partition: 3, value: 'added' }]);
    expect(lookups).to.deep.equal([['t']]);
    expect(sent).to.have.length(2);
    await producer.disconnect();
  });

  it('a topic its cache does not hold (a first send, metadata dropped after a failure): left to the client, no lookup', async () => {
    const sent: Sent[] = [];
    const lookups: string[][] = [];
    const client = new PlatformaticProducerClient(
      recordingClient(sent, { cached: 2, actual: 2 }, lookups),
      ProduceAcks.ALL,
    );
    const message = client.message({ topic: 'other', partition: 5, value: 'x' });
    await client.send([{ topic: { name: 'other' }, partition: 5, message }]);
    expect(lookups).to.deep.equal([]);
    expect(sent).to.have.length(1);
  });

  it('still not listed after the lookup: the send fails as retriable, nothing sent', async () => {
    const sent: Sent[] = [];
    const client = new PlatformaticProducerClient(recordingClient(sent, { cached: 2, actual: 2 }), ProduceAcks.ALL);
    const message = client.message({ topic: 't', partition: 3, value: 'x' });
    const error: unknown = await client.send([{ topic: { name: 't' }, partition: 3, message }]).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error).to.include({ name: 'ProduceError', partition: 3, retriable: true });
    expect(client.classify(error)).to.equal('retriable');
    expect(sent).to.deep.equal([]);
  });
});
