import { randomUUID } from 'node:crypto';
import type { Kafka, Producer } from 'kafkajs';

/**
 * The seed's first attempt, for comparison only: a fresh consumer group at "latest" that treats
 * the group join (partitions assigned) as ready, produces at once, and waits for its message.
 * Resolves true when the message arrived within `waitMs`, false when it was missed.
 */
export async function naiveRoundTrip(
  kafka: Kafka,
  producer: Producer,
  topic: string,
  waitMs: number,
): Promise<boolean> {
  const id = randomUUID();
  const consumer = kafka.consumer({ groupId: `naive-${id}`, maxWaitTimeInMs: 100 });
  let resolveReceived: (received: boolean) => void = () => undefined;
  const received = new Promise<boolean>((resolve) => (resolveReceived = resolve));
  try {
    consumer.on(consumer.events.GROUP_JOIN, () => {
      void producer.send({ topic, messages: [{ value: id }] });
    });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: false });
    await consumer.run({
      eachMessage: async ({ message }) => {
        if (message.value?.toString() === id) resolveReceived(true);
      },
    });
    const timer = setTimeout(() => resolveReceived(false), waitMs);
    const outcome = await received;
    clearTimeout(timer);
    return outcome;
  } finally {
    await consumer.disconnect();
  }
}
