import { Kafka, logLevel } from 'kafkajs';
import type { BenchResponder, BenchTopics } from '../bench-types';

/**
 * The kafkajs floor, responder side: no library, a consumer with eachBatch that answers each
 * batch with one sendBatch to the reply topic named in the header, correlation id copied.
 */
export function rawResponder(topics: BenchTopics): BenchResponder {
  const kafka = new Kafka({
    clientId: 'bench-raw-responder',
    brokers: [...topics.brokers],
    logLevel: logLevel.NOTHING,
  });
  const consumer = kafka.consumer({ groupId: `${topics.groupPrefix}-raw-responder`, maxWaitTimeInMs: 100 });
  const producer = kafka.producer();
  let joined: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (joined = resolve));
  consumer.on(consumer.events.GROUP_JOIN, () => joined());
  const started = (async () => {
    await producer.connect();
    await consumer.connect();
    await consumer.subscribe({ topic: topics.requests, fromBeginning: true });
    await consumer.run({
      partitionsConsumedConcurrently: 4,
      eachBatch: async ({ batch }) => {
        const messages = batch.messages.map((message) => ({
          key: message.key,
          value: message.value,
          headers: { kafka_correlationId: message.headers?.kafka_correlationId ?? '' },
        }));
        const replyTopic = batch.messages[0]?.headers?.kafka_replyTopic?.toString() ?? topics.replies;
        await producer.send({ topic: replyTopic, messages });
      },
    });
  })();
  return {
    ready: async () => {
      await started;
      await ready;
    },
    close: async () => {
      await consumer.disconnect();
      await producer.disconnect();
    },
  };
}
