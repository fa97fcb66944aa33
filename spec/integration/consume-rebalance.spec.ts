import { expect } from 'chai';
import { Subscription } from 'rxjs';
import { stringCodec } from '../../lib/codecs';
import { consume, ConsumerEvent, isReady } from '../../lib/consume';
import { RepinnedEvent } from '../../lib/transport/transport';
import { createTopic, testKafka, uniqueName } from '../support/kafka-fixtures';
import { eventually } from '../support/test-transport';
import { realTransport, realTransportKinds } from '../support/transport-kinds';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Collects the decoded string values a member receives, in order. */
function member(events: ConsumerEvent<string>[], received: string[]) {
  return {
    next(event: ConsumerEvent<string>) {
      events.push(event);
      if (event.type === 'message' && event.value._tag === 'Right') received.push(event.value.right);
    },
  };
}

describe('rebalances (real broker)', () => {
  for (const { name } of realTransportKinds) {
    describe(name, () => {
      it('a second member joins then leaves while records are produced: the group misses none', async () => {
        const topic = await createTopic('rebalance', 4);
        const groupId = uniqueName('responders');
        const transport = realTransport(name);
        const producer = testKafka().producer();
        const eventsA: ConsumerEvent<string>[] = [];
        const eventsB: ConsumerEvent<string>[] = [];
        const receivedA: string[] = [];
        const receivedB: string[] = [];
        const subscriptions = new Subscription();
        const produced: string[] = [];
        const options = {
          topic,
          codec: stringCodec,
          membership: 'shared' as const,
          groupId,
          sessionTimeoutMs: 10_000,
          heartbeatIntervalMs: 300,
        };
        const repinsOfA = () => eventsA.filter((event): event is RepinnedEvent => event.type === 'repinned').length;
        let producing = true;
        let producerLoop: Promise<void> = Promise.resolve();
        try {
          await producer.connect();
          subscriptions.add(consume(transport, options).subscribe(member(eventsA, receivedA)));
          expect(await eventually(async () => eventsA.some(isReady)), 'A ready').to.equal(true);
          producerLoop = (async () => {
            for (let index = 0; producing; index += 1) {
              const value = `record-${index}`;
              produced.push(value);
              await producer.send({ topic, messages: [{ key: `key-${index % 16}`, value }] });
              await sleep(5);
            }
          })();

          const b = consume(transport, options).subscribe(member(eventsB, receivedB));
          subscriptions.add(b);
          expect(await eventually(async () => eventsB.some(isReady), 30_000), 'B ready').to.equal(true);
          expect(await eventually(async () => repinsOfA() >= 1), 'A re-pinned when B joined').to.equal(true);
          expect(await eventually(async () => receivedB.length > 0), 'B received records').to.equal(true);

          b.unsubscribe();
          expect(await eventually(async () => repinsOfA() >= 2, 30_000), 'A re-pinned when B left').to.equal(true);
          await sleep(500);
          producing = false;
          await producerLoop;

          const all = () => new Set([...receivedA, ...receivedB]);
          await eventually(async () => produced.every((value) => all().has(value)), 30_000);
          const missing = produced.filter((value) => !all().has(value));
          const duplicates = receivedA.length + receivedB.length - all().size;
          console.log(
            `      produced ${produced.length}; member A got ${receivedA.length}, member B got ${receivedB.length}; ` +
              `missing ${missing.length}; duplicates across members ${duplicates}; A re-pinned ${repinsOfA()} times`,
          );
          expect(missing, 'records no member received').to.deep.equal([]);
        } finally {
          producing = false;
          await producerLoop.catch(() => undefined);
          subscriptions.unsubscribe();
          await transport.close();
          await producer.disconnect();
        }
      });

      it("a lone member's re-pin after a rejoin neither skips nor repeats a record in its own stream", async () => {
        const topic = await createTopic('rejoin', 2);
        const transport = realTransport(name);
        const kafka = testKafka();
        const producer = kafka.producer();
        const widened = testKafka().producer();
        const events: ConsumerEvent<string>[] = [];
        const received: string[] = [];
        const produced: string[] = [];
        const subscription = consume(transport, { topic, codec: stringCodec, metadataMaxAgeMs: 500 }).subscribe(
          member(events, received),
        );
        try {
          await producer.connect();
          expect(await eventually(async () => events.some(isReady))).to.equal(true);
          for (let index = 0; index < 150; index += 1) {
            const value = `record-${index}`;
            produced.push(value);
            // After the partitions are added a fresh producer (fresh metadata) writes to all four, so the
            // member must read the new ones too.
            if (index > 60) await widened.send({ topic, messages: [{ partition: index % 4, value }] });
            else await producer.send({ topic, messages: [{ key: `key-${index % 7}`, value }] });
            // Adding partitions makes the group rebalance: the member rejoins and must re-pin.
            if (index === 60) {
              const admin = kafka.admin();
              await admin.connect();
              await admin.createPartitions({ topicPartitions: [{ topic, count: 4 }] });
              await admin.disconnect();
              await widened.connect();
            }
            await sleep(5);
          }
          const complete = await eventually(async () => received.length >= produced.length, 30_000);
          const repins = events.filter((event) => event.type === 'repinned').length;
          console.log(`      produced ${produced.length}; received ${received.length}; re-pinned ${repins} times`);
          expect(complete).to.equal(true);
          expect([...received].sort()).to.deep.equal([...produced].sort());
          expect(new Set(received).size, 'no record repeated').to.equal(received.length);
          expect(repins, 'the member rejoined after the partitions were added').to.be.at.least(1);
          const repinned = events.filter((event): event is RepinnedEvent => event.type === 'repinned');
          const lastPositions = repinned[repinned.length - 1]?.positions.map((position) => position.partition);
          expect(lastPositions, 'the re-pin covers the added partitions').to.include.members([2, 3]);
        } finally {
          subscription.unsubscribe();
          await transport.close();
          await producer.disconnect();
          await widened.disconnect();
        }
      });
    });
  }
});
