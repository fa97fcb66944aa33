import { expect } from 'chai';
import { EachMessagePayload } from 'kafkajs';
import { createTopic, testKafka, uniqueName, withAdmin } from '../support/kafka-fixtures';

describe('the Kafka test harness (kafkajs 2.2.4 against the pinned broker)', () => {
  it('creates a topic, produces, consumes in a fresh group and lists offsets', async () => {
    const topic = await createTopic('harness', 3);
    const kafka = testKafka();
    const producer = kafka.producer();
    const consumer = kafka.consumer({ groupId: uniqueName('harness-group'), maxWaitTimeInMs: 100 });
    try {
      await producer.connect();
      await producer.send({ topic, messages: [{ key: 'user@example.com', value: '{"name":"Ada"}' }] });

      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      const received = new Promise<EachMessagePayload>((resolve) => {
        void consumer.run({ eachMessage: async (payload) => resolve(payload) });
      });
      const { message, partition } = await received;
      expect(message.key?.toString()).to.equal('user@example.com');
      expect(JSON.parse(message.value!.toString())).to.deep.equal({ name: 'Ada' });

      const offsets = await withAdmin((admin) => admin.fetchTopicOffsets(topic));
      expect(offsets).to.have.length(3);
      const high = offsets.find((entry) => entry.partition === partition);
      expect(high?.high).to.equal('1');
      expect(offsets.reduce((sum, entry) => sum + Number(entry.high), 0)).to.equal(1);
    } finally {
      await consumer.disconnect();
      await producer.disconnect();
    }
  });
});
