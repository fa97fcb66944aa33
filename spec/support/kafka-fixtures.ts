import { randomUUID } from 'node:crypto';
import { Admin, Kafka, logLevel } from 'kafkajs';
import { testBrokers } from './test-brokers';

/** A name no other test uses: `<prefix>-<random>`. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 12)}`;
}

/** A kafkajs client on the test brokers; kafkajs's own logging kept to errors. */
export function testKafka(clientId = uniqueName('spec')): Kafka {
  return new Kafka({ clientId, brokers: testBrokers(), logLevel: logLevel.NOTHING, retry: { retries: 5 } });
}

/** Runs `work` with a connected admin client and always disconnects it. */
export async function withAdmin<T>(work: (admin: Admin) => Promise<T>, kafka = testKafka()): Promise<T> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.disconnect();
  }
}

/** Creates a fresh topic with a random name (and topic configs, if given) and waits until its leaders are known. */
export async function createTopic(
  prefix: string,
  numPartitions = 1,
  configs: Readonly<Record<string, string>> = {},
): Promise<string> {
  const topic = uniqueName(prefix);
  const configEntries = Object.entries(configs).map(([name, value]) => ({ name, value }));
  await withAdmin(async (admin) => {
    try {
      await admin.createTopics({ topics: [{ topic, numPartitions, configEntries }], waitForLeaders: true });
    } catch (error) {
      // Right after start-up the broker can create the topic yet not know it in its metadata for a
      // moment, and kafkajs's wait for leaders gives up on UNKNOWN_TOPIC_OR_PARTITION: wait here.
      if ((error as { type?: string }).type !== 'UNKNOWN_TOPIC_OR_PARTITION') throw error;
      await waitForLeaders(admin, topic, numPartitions);
    }
  });
  return topic;
}

/** Polls the topic's metadata until each of its partitions has a leader (10 s at most). */
async function waitForLeaders(admin: Admin, topic: string, numPartitions: number): Promise<void> {
  for (let tries = 1; ; tries += 1) {
    const partitions = await admin
      .fetchTopicMetadata({ topics: [topic] })
      .then((metadata) => metadata.topics[0]?.partitions ?? [])
      .catch(() => []);
    if (partitions.length === numPartitions && partitions.every((partition) => partition.leader >= 0)) return;
    if (tries >= 50) throw new Error(`Topic '${topic}' has no leaders after 10 s.`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
