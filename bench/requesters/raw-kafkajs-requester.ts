import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import type { BenchRequester, BenchTopics } from '../bench-types';

/**
 * The kafkajs floor, requester side: what a developer writes with no library. One reply consumer
 * (its own group, started once, from the log end: the race is ignored, as such code usually
 * does), a Map of pending promises by correlation id, and one `producer.send` per request.
 */
export function rawRequester(topics: BenchTopics): BenchRequester {
  const kafka = new Kafka({
    clientId: 'bench-raw-requester',
    brokers: [...topics.brokers],
    logLevel: logLevel.NOTHING,
  });
  const consumer = kafka.consumer({ groupId: `${topics.groupPrefix}-raw-replies`, maxWaitTimeInMs: 100 });
  const producer = kafka.producer();
  const pending = new Map<string, (n: number) => void>();
  let fetched: () => void = () => undefined;
  const firstFetch = new Promise<void>((resolve) => (fetched = resolve));
  // The first fetch (not the group join) is when positions are fixed: waiting for it keeps the
  // floor honest without pubscribe's machinery.
  consumer.on(consumer.events.FETCH, () => fetched());
  return {
    ready: async () => {
      await producer.connect();
      await consumer.connect();
      await consumer.subscribe({ topic: topics.replies, fromBeginning: false });
      await consumer.run({
        eachBatch: async ({ batch }) => {
          for (const message of batch.messages) {
            const id = message.headers?.kafka_correlationId?.toString();
            const resolve = id === undefined ? undefined : pending.get(id);
            if (!resolve || !message.value) continue;
            pending.delete(id!);
            resolve((JSON.parse(message.value.toString()) as { n: number }).n);
          }
        },
      });
      await firstFetch;
    },
    call: (n) =>
      new Promise<number>((resolve, reject) => {
        const id = randomUUID();
        pending.set(id, resolve);
        producer
          .send({
            topic: topics.requests,
            messages: [
              {
                key: String(n),
                value: JSON.stringify({ n }),
                headers: { kafka_correlationId: id, kafka_replyTopic: topics.replies },
              },
            ],
          })
          .catch((error: unknown) => {
            pending.delete(id);
            reject(error);
          });
      }),
    close: async () => {
      await consumer.disconnect();
      await producer.disconnect();
    },
  };
}
