/**
 * Placeholder demo until the create-user demo lands: starts a real Kafka broker (or uses
 * KAFKA_BROKERS), creates a topic, produces one record and consumes it back in a fresh group.
 *   npm run demo
 */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { acquireKafka } from '../../tools/broker/acquire-kafka';

async function main(): Promise<void> {
  const kafka = await acquireKafka({ log: (line) => console.log(`[kafka] ${line}`) });
  const client = new Kafka({ clientId: 'pubscribe-demo', brokers: [...kafka.brokers], logLevel: logLevel.NOTHING });
  const topic = `demo-${randomUUID().slice(0, 8)}`;
  const admin = client.admin();
  const producer = client.producer();
  const consumer = client.consumer({ groupId: `${topic}-group`, maxWaitTimeInMs: 100 });
  try {
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    await producer.connect();
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const started = Date.now();
    const received = new Promise<string>((resolve) => {
      void consumer.run({ eachMessage: async ({ message }) => resolve(message.value?.toString() ?? '') });
    });
    await producer.send({ topic, messages: [{ key: 'ada@example.com', value: '{"name":"Ada"}' }] });
    const value = await received;
    console.log(`round trip through ${topic}: ${value} in ${Date.now() - started} ms`);
  } finally {
    await consumer.disconnect();
    await producer.disconnect();
    await admin.disconnect();
    await kafka.release();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
