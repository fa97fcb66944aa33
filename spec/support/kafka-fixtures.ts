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
    await admin.createTopics({ topics: [{ topic, numPartitions, configEntries }], waitForLeaders: true });
  });
  return topic;
}
