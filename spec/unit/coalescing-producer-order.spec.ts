import { expect } from 'chai';
import type { Producer, ProducerBatch, RecordMetadata } from 'kafkajs';
import { asyncScheduler } from 'rxjs';
import { CoalescingProducer } from '../../lib/transport/kafkajs/coalescing-producer';
import { MissingTopics } from '../../lib/transport/topic-health';
import { factsOf } from '../support/held-producer';

/** A kafkajs producer whose sends complete when the test says so. */
function heldProducer() {
  const sends: { topics: string[]; values: string[]; complete: () => void }[] = [];
  const fake: Pick<Producer, 'connect' | 'disconnect' | 'sendBatch'> = {
    connect: async () => undefined,
    disconnect: async () => undefined,
    sendBatch: (batch: ProducerBatch) =>
      new Promise<RecordMetadata[]>((resolve) => {
        const messages = batch.topicMessages ?? [];
        sends.push({
          topics: messages.map((entry) => entry.topic),
          values: messages.flatMap((entry) => entry.messages.map((message) => String(message.value))),
          complete: () => resolve([]),
        });
      }),
  };
  // The producer only calls these three methods.
  return { producer: fake as unknown as Producer, sends };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('CoalescingProducer: order of batches to one topic', () => {
  it("holds a topic's records while its first batch (the one that fetches metadata) is in flight", async () => {
    const { producer, sends } = heldProducer();
    const coalescing = new CoalescingProducer(producer, factsOf({}), new MissingTopics(asyncScheduler), {
      scheduler: asyncScheduler,
      maxRequestBytes: 1 << 20,
    });
    const first = coalescing.produce([{ topic: 'replies', value: 'r1' }]);
    await settle();
    const second = coalescing.produce([{ topic: 'replies', value: 'r2 and the end marker' }]);
    const other = coalescing.produce([{ topic: 'elsewhere', value: 'x' }]);
    await settle();
    // 'replies' waits for its first batch; another topic is not held up by it.
    expect(sends.map((send) => send.values)).to.deep.equal([['r1'], ['x']]);
    sends[0]?.complete();
    await first;
    await settle();
    expect(sends.map((send) => send.values)).to.deep.equal([['r1'], ['x'], ['r2 and the end marker']]);
    sends[1]?.complete();
    sends[2]?.complete();
    await Promise.all([second, other]);
  });

  it('once the topic is known, batches to it are pipelined again', async () => {
    const { producer, sends } = heldProducer();
    const coalescing = new CoalescingProducer(producer, factsOf({}), new MissingTopics(asyncScheduler), {
      scheduler: asyncScheduler,
      maxRequestBytes: 1 << 20,
    });
    const warm = coalescing.produce([{ topic: 'replies', value: 'warm' }]);
    await settle();
    sends[0]?.complete();
    await warm;
    const a = coalescing.produce([{ topic: 'replies', value: 'a' }]);
    await settle();
    const b = coalescing.produce([{ topic: 'replies', value: 'b' }]);
    await settle();
    expect(sends.map((send) => send.values)).to.deep.equal([['warm'], ['a'], ['b']]);
    for (const send of sends.slice(1)) send.complete();
    await Promise.all([a, b]);
  });
});
